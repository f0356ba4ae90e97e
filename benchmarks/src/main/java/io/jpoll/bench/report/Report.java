package io.jpoll.bench.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns one run's raw results into RESULTS.md and dispatch.png. Missed targets are reported, never
 * fatal; missing or unreadable JMH results are.
 *
 * <p>Usage: {@code Report <results dir> [profile.md]}, reading {@code jmh.json}, {@code echo/run*.json},
 * {@code c-dispatch-before.jsonl}, {@code c-dispatch-after.jsonl}, {@code c-ops-before.jsonl},
 * {@code c-ops-after.jsonl}, {@code alloc-ffm.json}, {@code alloc-jna.json}, {@code footprint.json}
 * and {@code env.properties} from the directory.
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
        List<Path> opsSessions = new ArrayList<>();
        for (String name : new String[] {"c-ops-before.jsonl", "c-ops-after.jsonl"}) {
            if (Files.exists(dir.resolve(name))) {
                opsSessions.add(dir.resolve(name));
            }
        }
        COps ops = opsSessions.isEmpty() ? null : COps.read(opsSessions);
        EchoRuns echo = EchoRuns.read(dir.resolve("echo"));
        Path footprintFile = dir.resolve("footprint.json");
        Footprints footprint = Files.exists(footprintFile) ? Footprints.read(footprintFile) : null;
        Map<String, Allocations> alloc = new TreeMap<>();
        for (String binding : Targets.BINDINGS) {
            Path allocFile = dir.resolve("alloc-" + binding + ".json");
            if (Files.exists(allocFile)) {
                alloc.put(binding, Allocations.read(allocFile));
            }
        }
        Environment env = Environment.read(dir.resolve("env.properties"));
        String profile = args.length == 2 && Files.exists(Path.of(args[1]))
                ? Files.readString(Path.of(args[1]), StandardCharsets.UTF_8) : null;

        Targets evaluation = new Targets(jmh, c, ops, alloc, echo, env);
        List<Target> targets = evaluation.evaluate();
        List<Target> earlier = evaluation.earlier();
        new DispatchChart(jmh, c, env.defaultBinding()).write(dir.resolve("dispatch.png"));
        Files.writeString(dir.resolve("RESULTS.md"),
                new ResultsPage(jmh, c, ops, alloc, footprint, echo, env, targets, earlier, profile).render(),
                StandardCharsets.UTF_8);

        StringBuilder summary = new StringBuilder();
        for (String b : env.bindings()) {
            List<Target.Cell> cells = targets.stream().map(t -> b.equals("ffm") ? t.ffm() : t.jna()).toList();
            summary.append(", jpoll-").append(b).append(": ")
                    .append(cells.stream().filter(x -> Boolean.TRUE.equals(x.met())).count()).append(" met, ")
                    .append(cells.stream().filter(x -> Boolean.FALSE.equals(x.met())).count()).append(" missed");
        }
        System.out.println("report: " + dir.resolve("RESULTS.md") + ", " + dir.resolve("dispatch.png") + summary);
    }
}
