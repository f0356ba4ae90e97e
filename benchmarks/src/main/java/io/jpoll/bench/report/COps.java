package io.jpoll.bench.report;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The single-call C loops' results (src/main/c/ops.c, one JSON object per line): per operation,
 * the median ns per operation of the least disturbed of the sessions, as {@link CResults} does.
 */
final class COps {
    private final Map<String, Double> medians;

    private COps(Map<String, Double> medians) {
        this.medians = medians;
    }

    static COps read(List<Path> sessions) throws IOException {
        Map<String, Double> best = new HashMap<>();
        for (Path file : sessions) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                JsonObject o = JsonParser.parseString(line).getAsJsonObject();
                JsonArray runs = o.getAsJsonArray("nsPerOp");
                double[] ns = new double[runs.size()];
                for (int i = 0; i < ns.length; i++) {
                    ns[i] = runs.get(i).getAsDouble();
                }
                best.merge(o.get("op").getAsString(), Stats.median(ns), Math::min);
            }
        }
        if (best.isEmpty()) {
            throw new IOException(sessions + ": the C ops loop wrote no results");
        }
        return new COps(best);
    }

    /** Median ns per operation of {@code op} (emptyPoll, registerDeregister). */
    OptionalDouble ns(String op) {
        Double v = medians.get(op);
        return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
    }
}
