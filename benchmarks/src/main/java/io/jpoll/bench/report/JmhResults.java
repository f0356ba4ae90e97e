package io.jpoll.bench.report;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The results of a JMH run, read from its JSON output ({@code -rf json}). */
final class JmhResults {
    private final List<Result> results;
    final String jdkVersion;
    final String vmName;
    final List<String> jvmArgs;
    final int forks;
    final String warmup;
    final String measurement;

    private JmhResults(List<Result> results, JsonObject first) {
        this.results = results;
        this.jdkVersion = first.get("jdkVersion").getAsString();
        this.vmName = first.get("vmName").getAsString() + " " + first.get("vmVersion").getAsString();
        List<String> args = new ArrayList<>();
        first.getAsJsonArray("jvmArgs").forEach(a -> args.add(a.getAsString()));
        this.jvmArgs = Collections.unmodifiableList(args);
        this.forks = first.get("forks").getAsInt();
        this.warmup = first.get("warmupIterations").getAsInt() + " x " + first.get("warmupTime").getAsString();
        this.measurement = first.get("measurementIterations").getAsInt() + " x "
                + first.get("measurementTime").getAsString();
    }

    static JmhResults read(Path json) throws IOException {
        JsonArray runs;
        try (Reader r = Files.newBufferedReader(json, StandardCharsets.UTF_8)) {
            runs = JsonParser.parseReader(r).getAsJsonArray();
        }
        if (runs.isEmpty()) {
            throw new IOException(json + ": JMH wrote no results");
        }
        List<Result> results = new ArrayList<>();
        for (JsonElement e : runs) {
            results.add(parse(e.getAsJsonObject()));
        }
        return new JmhResults(results, runs.get(0).getAsJsonObject());
    }

    private static Result parse(JsonObject run) {
        Map<String, String> params = new TreeMap<>();
        if (run.has("params")) {
            run.getAsJsonObject("params").entrySet().forEach(p -> params.put(p.getKey(), p.getValue().getAsString()));
        }
        JsonObject primary = run.getAsJsonObject("primaryMetric");
        boolean sampled = "sample".equals(run.get("mode").getAsString());
        double alloc = Double.NaN;
        JsonObject secondary = run.getAsJsonObject("secondaryMetrics");
        if (secondary != null && secondary.has("gc.alloc.rate.norm")) {
            alloc = Stats.median(raw(secondary.getAsJsonObject("gc.alloc.rate.norm")));
        }
        // SampleTime keeps a histogram of single invocations, not per-iteration scores: its median
        // is the 50th percentile of every sampled invocation.
        double median = sampled
                ? primary.getAsJsonObject("scorePercentiles").get("50.0").getAsDouble()
                : Stats.median(raw(primary));
        int samples = sampled ? histogramCount(primary) : raw(primary).length;
        return new Result(run.get("benchmark").getAsString(), params, primary.get("scoreUnit").getAsString(),
                median, primary.get("score").getAsDouble(), number(primary.get("scoreError")), samples, alloc);
    }

    /** rawDataHistogram: forks, iterations, then [value, count] pairs. */
    private static int histogramCount(JsonObject metric) {
        int count = 0;
        for (JsonElement fork : metric.getAsJsonArray("rawDataHistogram")) {
            for (JsonElement iteration : fork.getAsJsonArray()) {
                for (JsonElement pair : iteration.getAsJsonArray()) {
                    count += pair.getAsJsonArray().get(1).getAsInt();
                }
            }
        }
        return count;
    }

    private static double[] raw(JsonObject metric) {
        List<Double> values = new ArrayList<>();
        for (JsonElement fork : metric.getAsJsonArray("rawData")) {
            for (JsonElement v : fork.getAsJsonArray()) {
                values.add(v.getAsDouble());
            }
        }
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** JMH writes "NaN" as a string when one sample gives no error estimate. */
    private static double number(JsonElement e) {
        String s = e.getAsString();
        return "NaN".equals(s) ? Double.NaN : Double.parseDouble(s);
    }

    List<Result> all() {
        return results;
    }

    /** The result of {@code shortName} with these parameter values ("k=v" pairs). */
    Optional<Result> find(String shortName, String... params) {
        Map<String, String> wanted = new TreeMap<>();
        for (String p : params) {
            String[] kv = p.split("=", 2);
            wanted.put(kv[0], kv[1]);
        }
        return results.stream().filter(r -> r.matches(shortName, wanted)).findFirst();
    }

    /** The values of one parameter across a benchmark's results, in numeric order. */
    List<Integer> intParam(String shortName, String param) {
        return results.stream()
                .filter(r -> r.shortName().equals(shortName) && r.params().containsKey(param))
                .map(r -> Integer.parseInt(r.params().get(param)))
                .distinct().sorted().collect(java.util.stream.Collectors.toList());
    }
}
