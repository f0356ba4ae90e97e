package io.jpoll.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The echo benchmark's alternating runs: run.sh measures every server once per run, one server per
 * JMH fork, rotating their order, and writes {@code echo/run<N>-<server>.json}. A server's score in
 * a run is the median of that fork's iterations; jpoll is compared with another server run by run,
 * and the goal is judged on the median of those per-run ratios, so a drift of the machine's load
 * between runs does not favour whoever happened to run in the quiet minutes.
 */
final class EchoRuns {
    static final List<String> SERVERS = List.of("jpoll", "selector", "netty");
    private static final Pattern FILE = Pattern.compile("run(\\d+)-(\\w+)\\.json");

    /** Run number to server to that run's results. */
    private final Map<Integer, Map<String, JmhResults>> runs;

    private EchoRuns(Map<Integer, Map<String, JmhResults>> runs) {
        this.runs = runs;
    }

    /** The runs in {@code dir}, or null when the directory does not exist (echo did not run). */
    static EchoRuns read(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return null;
        }
        Map<Integer, Map<String, JmhResults>> runs = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files.sorted()::iterator) {
                Matcher m = FILE.matcher(f.getFileName().toString());
                if (m.matches()) {
                    runs.computeIfAbsent(Integer.parseInt(m.group(1)), k -> new TreeMap<>())
                            .put(m.group(2), JmhResults.read(f));
                }
            }
        }
        return runs.isEmpty() ? null : new EchoRuns(runs);
    }

    int count() {
        return runs.size();
    }

    /** The connection counts (or message sizes) measured, in numeric order. */
    List<Integer> values(String param) {
        return runs.values().stream().flatMap(m -> m.values().stream())
                .flatMap(r -> r.intParam("EchoBenchmark.echo", param).stream())
                .distinct().sorted().collect(java.util.stream.Collectors.toList());
    }

    /** The server's score in each run (NaN where it did not run), in run order. */
    double[] scores(String server, int connections, int size) {
        double[] scores = new double[runs.size()];
        int i = 0;
        for (Map<String, JmhResults> run : runs.values()) {
            scores[i++] = find(run.get(server), connections, size).map(Result::median).orElse(Double.NaN);
        }
        return scores;
    }

    /** jpoll's score over {@code other}'s, run by run, leaving out runs in which either is missing. */
    double[] ratios(String other, int connections, int size) {
        double[] j = scores("jpoll", connections, size);
        double[] o = scores(other, connections, size);
        List<Double> r = new ArrayList<>();
        for (int i = 0; i < j.length; i++) {
            if (!Double.isNaN(j[i]) && !Double.isNaN(o[i])) {
                r.add(j[i] / o[i]);
            }
        }
        return r.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** Every result of every run, for the raw table, with the run number. */
    List<Map.Entry<Integer, Result>> all() {
        List<Map.Entry<Integer, Result>> all = new ArrayList<>();
        runs.forEach((n, run) -> run.values().forEach(r -> r.all().forEach(x -> all.add(Map.entry(n, x)))));
        return all;
    }

    /** The first run's JMH settings (forks, iterations) for the page. */
    JmhResults first() {
        return runs.values().iterator().next().values().iterator().next();
    }

    private static Optional<Result> find(JmhResults results, int connections, int size) {
        return results == null ? Optional.empty()
                : results.find("EchoBenchmark.echo", "connections=" + connections, "size=" + size);
    }
}
