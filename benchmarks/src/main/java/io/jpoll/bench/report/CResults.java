package io.jpoll.bench.report;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The C dispatch loop's results: one JSON object per line, as src/main/c/dispatch.c prints them. */
final class CResults {
    record Row(String kind, String trigger, int ready, double median, double min, double max, int runs) {
    }

    private final List<Row> rows;

    private CResults(List<Row> rows) {
        this.rows = rows;
    }

    /**
     * Reads one or more sessions of the C loop and keeps, per configuration, the session with the
     * lowest median: the least disturbed by whatever else ran on the machine.
     */
    static CResults read(List<Path> sessions) throws IOException {
        Map<String, Row> best = new LinkedHashMap<>();
        for (Path file : sessions) {
            for (Row r : readSession(file)) {
                best.merge(r.kind + "/" + r.trigger + "/" + r.ready, r, (a, b) -> b.median < a.median ? b : a);
            }
        }
        return new CResults(new ArrayList<>(best.values()));
    }

    private static List<Row> readSession(Path file) throws IOException {
        List<Row> rows = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            JsonObject o = JsonParser.parseString(line).getAsJsonObject();
            double[] ns = new double[o.getAsJsonArray("nsPerPoll").size()];
            for (int i = 0; i < ns.length; i++) {
                ns[i] = o.getAsJsonArray("nsPerPoll").get(i).getAsDouble();
            }
            double min = java.util.Arrays.stream(ns).min().orElse(Double.NaN);
            double max = java.util.Arrays.stream(ns).max().orElse(Double.NaN);
            rows.add(new Row(o.get("kind").getAsString(), o.get("trigger").getAsString(), o.get("ready").getAsInt(),
                    Stats.median(ns), min, max, ns.length));
        }
        if (rows.isEmpty()) {
            throw new IOException(file + ": the C dispatch loop wrote no results");
        }
        return rows;
    }

    Optional<Row> find(String kind, String trigger, int ready) {
        return rows.stream()
                .filter(r -> r.kind.equals(kind) && r.trigger.equals(trigger) && r.ready == ready)
                .findFirst();
    }
}
