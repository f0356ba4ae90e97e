package io.jpoll.bench.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns one run's raw results into RESULTS.md and dispatch.png. Missed targets are reported, never
 * fatal; missing or unreadable JMH results are.
 *
 * <p>Usage: {@code Report <results dir> [profile.md]}, reading {@code jmh.json},
 * {@code c-dispatch-before.jsonl}, {@code c-dispatch-after.jsonl}, {@code alloc.json}, {@code footprint.json} and {@code env.properties}
 * from the directory.
 */
public final class Report {
    private Report() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args.length > 2) {
            throw new IllegalArgumentException("usage: Report <results dir> [profile.md]");
        }
        System.setProperty("java.awt.headless", "true");
        Path dir = Path.of(args[0]);
        JmhResults jmh = JmhResults.read(dir.resolve("jmh.json"));
        List<Path> cSessions = new ArrayList<>();
        for (String name : new String[] {"c-dispatch-before.jsonl", "c-dispatch-after.jsonl"}) {
            if (Files.exists(dir.resolve(name))) {
                cSessions.add(dir.resolve(name));
            }
        }
        CResults c = cSessions.isEmpty() ? null : CResults.read(cSessions);
        Path footprintFile = dir.resolve("footprint.json");
        Footprints footprint = Files.exists(footprintFile) ? Footprints.read(footprintFile) : null;
        Path allocFile = dir.resolve("alloc.json");
        Allocations alloc = Files.exists(allocFile) ? Allocations.read(allocFile) : null;
        Environment env = Environment.read(dir.resolve("env.properties"));
        String profile = args.length == 2 && Files.exists(Path.of(args[1]))
                ? Files.readString(Path.of(args[1]), StandardCharsets.UTF_8) : null;

        List<Target> targets = new Targets(jmh, c, alloc, env).evaluate();
        new DispatchChart(jmh, c).write(dir.resolve("dispatch.png"));
        Files.writeString(dir.resolve("RESULTS.md"),
                new ResultsPage(jmh, c, alloc, footprint, env, targets, profile).render(), StandardCharsets.UTF_8);

        long missed = targets.stream().filter(t -> Boolean.FALSE.equals(t.met())).count();
        long met = targets.stream().filter(t -> Boolean.TRUE.equals(t.met())).count();
        System.out.println("report: " + dir.resolve("RESULTS.md") + ", " + dir.resolve("dispatch.png") + ": "
                + met + " targets met, " + missed + " missed, " + (targets.size() - met - missed) + " not measured");
    }
}
