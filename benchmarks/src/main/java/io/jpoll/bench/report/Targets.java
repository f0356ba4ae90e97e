package io.jpoll.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Function;

/**
 * Evaluates every target of the native-binding issue (13) against one run's results, once for
 * jpoll on the FFM binding and once on JNA; and, apart from them, the earlier goals that issue 13
 * did not restate.
 */
final class Targets {
    static final String[] TRIGGERS = {"Level", "Edge", "Oneshot"};
    static final String[] SELECTOR_IDIOMS = {"selectorSelectedKeys", "selectorConsumer"};
    static final List<String> BINDINGS = List.of("ffm", "jna");
    static final int DISPATCH_K = 64;

    private final JmhResults jmh;
    private final CResults c;
    private final COps ops;
    private final Map<String, Allocations> alloc;
    private final EchoRuns echo;
    private final Environment env;

    Targets(JmhResults jmh, CResults c, COps ops, Map<String, Allocations> alloc, EchoRuns echo, Environment env) {
        this.jmh = jmh;
        this.c = c;
        this.ops = ops;
        this.alloc = alloc;
        this.echo = echo;
        this.env = env;
    }

    /** The goals of issue 13, in its order, then its two retired goals as information rows. */
    List<Target> evaluate() {
        List<Target> targets = new ArrayList<>();
        dispatchVsC(targets, "Oneshot", 1.15, "1");
        emptyPoll(targets);
        registerDeregister(targets);
        dispatchVsC(targets, "Level", 1.05, "4");
        dispatchVsC(targets, "Edge", 1.05, "4");
        wake(targets);
        allocation(targets);
        echo(targets);
        retired(targets);
        return targets;
    }

    /** Goals of the first benchmark issue that issue 13 neither restated nor retired. */
    List<Target> earlier() {
        List<Target> targets = new ArrayList<>();
        for (String t : TRIGGERS) {
            for (String idiom : SELECTOR_IDIOMS) {
                Optional<Result> s = jmh.find("DispatchBenchmark." + idiom, "ready=" + DISPATCH_K);
                targets.add(new Target("E1", "dispatch K=64 of 1,000 sockets: jpoll " + t.toUpperCase() + " vs "
                        + Names.selector(idiom), s.map(r -> Format.value(r.median(), "ns")).orElse("-"), "<= 0.85x",
                        cell("ffm", b -> compare(jpoll("DispatchBenchmark.jpoll" + t, b, "ready=" + DISPATCH_K,
                                "source=socket"), s, "ns", 0.85, true)),
                        cell("jna", b -> compare(jpoll("DispatchBenchmark.jpoll" + t, b, "ready=" + DISPATCH_K,
                                "source=socket"), s, "ns", 0.85, true))));
            }
        }
        idle(targets);
        return targets;
    }

    private void dispatchVsC(List<Target> out, String t, double limit, String id) {
        String trigger = t.toUpperCase();
        Optional<CResults.Row> nat = c == null ? Optional.empty() : c.find("socket", trigger, DISPATCH_K);
        String what = "dispatch K=64 of 1,000 sockets: " + trigger + (t.equals("Oneshot") ? " with re-arm" : "")
                + " vs the C loop";
        Function<String, Target.Cell> f = b -> {
            Optional<Result> j = jpoll("DispatchBenchmark.jpoll" + t, b, "ready=" + DISPATCH_K, "source=socket");
            if (nat.isEmpty()) {
                return Target.Cell.absent("the C loop did not run");
            }
            return j.map(r -> Target.Cell.atMost(r.median(), nat.get().median(), "ns", limit))
                    .orElse(Target.Cell.absent("benchmark not run"));
        };
        out.add(new Target(id, what, nat.map(r -> Format.value(r.median(), "ns")).orElse("-"),
                "<= " + Format.ratio(limit), cell("ffm", f), cell("jna", f)));
    }

    private void emptyPoll(List<Target> out) {
        OptionalDouble nat = ops == null ? OptionalDouble.empty() : ops.ns("emptyPoll");
        Function<String, Target.Cell> vsC = b -> nat.isEmpty() ? Target.Cell.absent("the C loop did not run")
                : jpoll("EmptyPollBenchmark.jpoll", b).map(r -> Target.Cell.atMost(r.median(), nat.getAsDouble(), "ns", 1.10))
                        .orElse(Target.Cell.absent("benchmark not run"));
        out.add(new Target("2", "empty non-blocking poll: poll(events, ZERO) vs C epoll_wait(ep, events, 1024, 0)",
                nat.isPresent() ? Format.value(nat.getAsDouble(), "ns") : "-", "<= 1.10x", cell("ffm", vsC), cell("jna", vsC)));
        Optional<Result> s = jmh.find("EmptyPollBenchmark.selector");
        Function<String, Target.Cell> vsSelector = b -> compare(jpoll("EmptyPollBenchmark.jpoll", b), s, "ns", 1.0, true);
        out.add(new Target("2", "empty non-blocking poll: poll(events, ZERO) vs Selector.selectNow()",
                s.map(r -> Format.value(r.median(), "ns")).orElse("-"), "<= 1.00x", cell("ffm", vsSelector),
                cell("jna", vsSelector)));
    }

    /**
     * ChurnBenchmark measures throughput; the C loop a time per cycle. Against C the goal is a time
     * ratio (jpoll's ns per cycle, 1e9 / its ops/s), against the Selector a throughput ratio.
     */
    private void registerDeregister(List<Target> out) {
        OptionalDouble nat = ops == null ? OptionalDouble.empty() : ops.ns("registerDeregister");
        Function<String, Target.Cell> vsC = b -> nat.isEmpty() ? Target.Cell.absent("the C loop did not run")
                : jpoll("ChurnBenchmark.jpoll", b).map(r -> Target.Cell.atMost(1e9 / r.median(), nat.getAsDouble(), "ns", 1.15))
                        .orElse(Target.Cell.absent("benchmark not run"));
        out.add(new Target("3", "register + deregister (epoll_ctl ADD + DEL), time per cycle vs the C loop",
                nat.isPresent() ? Format.value(nat.getAsDouble(), "ns") : "-", "<= 1.15x", cell("ffm", vsC), cell("jna", vsC)));
        Optional<Result> s = jmh.find("ChurnBenchmark.selectorInKernel");
        Function<String, Target.Cell> vsSelector = b -> compare(jpoll("ChurnBenchmark.jpoll", b), s, "ops/s", 1.8, false);
        out.add(new Target("3", "register + deregister, throughput vs the Selector's epoll ADD/DEL cycle"
                + " (register + selectNow + cancel + selectNow); >= 1.8x throughput is <= 0.56x time",
                s.map(r -> Format.value(r.median(), "ops/s")).orElse("-"), ">= 1.80x", cell("ffm", vsSelector),
                cell("jna", vsSelector)));
    }

    private void wake(List<Target> out) {
        Optional<Result> s = jmh.find("WakeBenchmark.selector");
        Function<String, Target.Cell> f = b -> compare(jpoll("WakeBenchmark.jpoll", b), s, "ns", 1.0, true);
        out.add(new Target("5", "wake round trip: jpoll wakers vs Selector.wakeup()",
                s.map(r -> Format.value(r.median(), "ns")).orElse("-"), "<= 1.00x", cell("ffm", f), cell("jna", f)));
    }

    private void allocation(List<Target> out) {
        String[][] cases = {
            {"dispatchJpollLevel", "DispatchBenchmark.jpollLevel", "allocation, dispatch LEVEL K=64 sockets",
                "DispatchBenchmark.selectorSelectedKeys"},
            {"dispatchJpollEdge", "DispatchBenchmark.jpollEdge", "allocation, dispatch EDGE K=64 sockets",
                "DispatchBenchmark.selectorSelectedKeys"},
            {"dispatchJpollOneshot", "DispatchBenchmark.jpollOneshot", "allocation, dispatch ONESHOT + re-arm K=64 sockets",
                "DispatchBenchmark.selectorSelectedKeys"},
            {"emptyPollJpoll", "EmptyPollBenchmark.jpoll", "allocation, empty poll", "EmptyPollBenchmark.selector"},
            {"churnJpoll", "ChurnBenchmark.jpoll", "allocation, register + deregister", "ChurnBenchmark.selectorInKernel"},
            {"wakeJpoll", "WakeBenchmark.jpoll", "allocation, wake round trip", "WakeBenchmark.selector"},
        };
        for (String[] k : cases) {
            boolean dispatch = k[1].startsWith("Dispatch");
            String[] params = dispatch ? new String[] {"ready=" + DISPATCH_K, "source=socket"} : new String[0];
            Optional<Result> s = dispatch ? jmh.find(k[3], "ready=" + DISPATCH_K) : jmh.find(k[3]);
            Function<String, Target.Cell> f = b -> {
                Optional<Result> j = jpoll(k[1], b, params);
                Allocations a = alloc.get(b);
                Optional<Allocations.Count> exact = a == null ? Optional.empty() : a.get(k[0]);
                return j.isPresent() && exact.isPresent()
                        ? Target.Cell.zeroAllocation(exact.get(), j.get().allocPerOp())
                        : Target.Cell.absent("benchmark or allocation check not run");
            };
            out.add(new Target("6", k[2], "Selector: " + s.map(r -> Format.bytes(r.allocPerOp()) + " B/op").orElse("-"),
                    "0 B/op", cell("ffm", f), cell("jna", f)));
        }
    }

    /** Echo runs jpoll on the JDK's default binding only; the other binding's cell says so. */
    private void echo(List<Target> out) {
        if (echo == null) {
            out.add(new Target("7", "echo", "-", ">= 1.00x Selector, >= 0.95x Netty",
                    Target.Cell.absent("echo not run"), Target.Cell.absent("echo not run")));
            return;
        }
        for (int conns : echo.values("connections")) {
            for (int size : echo.values("size")) {
                for (String other : new String[] {"selector", "netty"}) {
                    double limit = other.equals("selector") ? 1.0 : 0.95;
                    out.add(echoTarget("7", conns, size, other, limit, false));
                }
            }
        }
    }

    private Target echoTarget(String id, int conns, int size, String other, double limit, boolean retired) {
        double jpoll = Stats.median(echo.scores("jpoll", conns, size));
        double ref = Stats.median(echo.scores(other, conns, size));
        double ratio = Stats.median(echo.ratios(other, conns, size));
        String name = other.equals("selector") ? "Selector" : "Netty epoll";
        String what = "echo " + conns + " conn x " + size + " B: jpoll vs " + name + ", median of "
                + echo.count() + " alternating runs' ratios";
        Target.Cell measured = Double.isNaN(ratio) ? Target.Cell.absent("benchmark not run")
                : new Target.Cell(Format.value(jpoll, "msg/s"), Format.ratio(ratio),
                        retired ? null : ratio >= limit, retired ? "information" : null);
        String def = env.defaultBinding();
        Target.Cell notRun = Target.Cell.absent("echo runs the default binding (" + def + ")");
        String goal = retired ? "retired: was >= " + Format.ratio(limit) : ">= " + Format.ratio(limit);
        return new Target(id, what, Format.value(ref, "msg/s"), goal,
                def.equals("ffm") ? measured : cell("ffm", b -> notRun),
                def.equals("jna") ? measured : notRun);
    }

    private void retired(List<Target> out) {
        Optional<Result> s = jmh.find("ChurnBenchmark.selector");
        Function<String, Target.Cell> f = b -> {
            Optional<Result> j = jpoll("ChurnBenchmark.jpoll", b);
            return j.isPresent() && s.isPresent() ? Target.Cell.information(j.get().median(), s.get().median(), "ops/s")
                    : Target.Cell.absent("benchmark not run");
        };
        out.add(new Target("R", "churn: register+deregister vs register+cancel+selectNow (never reaches epoll)",
                s.map(r -> Format.value(r.median(), "ops/s")).orElse("-"), "retired: was >= 2.00x", cell("ffm", f),
                cell("jna", f)));
        if (echo != null) {
            for (int conns : echo.values("connections")) {
                for (int size : echo.values("size")) {
                    out.add(echoTarget("R", conns, size, "selector", 1.1, true));
                }
            }
        }
    }

    private void idle(List<Target> out) {
        String def = env.defaultBinding();
        List<Integer> sizes = jmh.intParam("IdleScaleBenchmark.jpoll", "idle");
        Optional<Result> small = jmh.find("IdleScaleBenchmark.jpoll", "idle=1000");
        String what = "idle scale (default binding): jpoll poll time at 100k vs 1k idle";
        if (sizes.isEmpty() || small.isEmpty()) {
            out.add(new Target("E5", what, "-", "<= 1.20x", Target.Cell.absent("benchmark not run"),
                    Target.Cell.absent("benchmark not run")));
            return;
        }
        int largest = sizes.get(sizes.size() - 1);
        Result big = jmh.find("IdleScaleBenchmark.jpoll", "idle=" + largest).orElseThrow();
        Target.Cell notRun = Target.Cell.absent("idle scale runs the default binding (" + def + ")");
        if (largest < 100_000) {
            what = "idle scale (default binding): jpoll poll time at " + Names.count(largest)
                    + " vs 1k idle (100k is beyond this machine's open-file limit" + env.idleSkipReason() + ")";
        }
        Target.Cell measured = Target.Cell.atMost(big.median(), small.get().median(), "ns", 1.2);
        out.add(new Target("E5", what, Format.value(small.get().median(), "ns"), "<= 1.20x",
                def.equals("ffm") ? measured : cell("ffm", b -> notRun), def.equals("jna") ? measured : notRun));
    }

    /** The binding's cell, or why there is none: the JDK that ran has no FFM binding. */
    private Target.Cell cell(String binding, Function<String, Target.Cell> f) {
        if (!env.bindings().contains(binding)) {
            return Target.Cell.absent("JDK " + env.get("javaFeature") + " has no " + binding + " binding");
        }
        return f.apply(binding);
    }

    private Optional<Result> jpoll(String benchmark, String binding, String... params) {
        String[] all = new String[params.length + 1];
        all[0] = "binding=" + binding;
        System.arraycopy(params, 0, all, 1, params.length);
        return jmh.find(benchmark, all);
    }

    private static Target.Cell compare(Optional<Result> j, Optional<Result> ref, String unit, double limit,
                                       boolean atMost) {
        if (j.isEmpty() || ref.isEmpty()) {
            return Target.Cell.absent("benchmark not run");
        }
        return atMost ? Target.Cell.atMost(j.get().median(), ref.get().median(), unit, limit)
                : Target.Cell.atLeast(j.get().median(), ref.get().median(), unit, limit);
    }
}
