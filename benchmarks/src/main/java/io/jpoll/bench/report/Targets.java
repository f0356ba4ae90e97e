package io.jpoll.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Evaluates every target of the benchmark issue against one run's results. */
final class Targets {
    static final String[] TRIGGERS = {"Level", "Edge", "Oneshot"};
    static final String[] SELECTOR_IDIOMS = {"selectorSelectedKeys", "selectorConsumer"};
    static final int DISPATCH_K = 64;

    private final JmhResults jmh;
    private final CResults c;
    private final Allocations alloc;
    private final Environment env;

    Targets(JmhResults jmh, CResults c, Allocations alloc, Environment env) {
        this.jmh = jmh;
        this.c = c;
        this.alloc = alloc;
        this.env = env;
    }

    List<Target> evaluate() {
        List<Target> targets = new ArrayList<>();
        dispatch(targets);
        cLoop(targets);
        wake(targets);
        churn(targets);
        idle(targets);
        allocation(targets);
        echo(targets);
        return targets;
    }

    private void dispatch(List<Target> out) {
        for (String t : TRIGGERS) {
            for (String idiom : SELECTOR_IDIOMS) {
                String what = "dispatch K=64 of 1,000 sockets: jpoll " + t.toUpperCase() + " vs " + Names.selector(idiom);
                Optional<Result> j = jmh.find("DispatchBenchmark.jpoll" + t, "ready=" + DISPATCH_K, "source=socket");
                Optional<Result> s = jmh.find("DispatchBenchmark." + idiom, "ready=" + DISPATCH_K);
                out.add(j.isPresent() && s.isPresent()
                        ? Target.atMost("1", what, j.get().median(), s.get().median(), "ns", 0.85)
                        : Target.missing("1", what, "<= 0.85x", "benchmark not run"));
            }
        }
    }

    private void cLoop(List<Target> out) {
        for (String kind : new String[] {"socket", "eventfd"}) {
            for (String t : TRIGGERS) {
                String trigger = t.toUpperCase();
                String what = "dispatch K=64 of 1,000 " + kind + "s: jpoll " + trigger + " vs the C loop";
                Optional<Result> j = jmh.find("DispatchBenchmark.jpoll" + t, "ready=" + DISPATCH_K, "source=" + kind);
                Optional<CResults.Row> native_ = c == null ? Optional.empty() : c.find(kind, trigger, DISPATCH_K);
                out.add(j.isPresent() && native_.isPresent()
                        ? Target.atMost("2", what, j.get().median(), native_.get().median(), "ns", 1.2)
                        : Target.missing("2", what, "<= 1.20x", c == null ? "the C loop did not run" : "benchmark not run"));
            }
        }
    }

    private void wake(List<Target> out) {
        String what = "wake round trip: jpoll wakers vs Selector.wakeup()";
        Optional<Result> j = jmh.find("WakeBenchmark.jpoll");
        Optional<Result> s = jmh.find("WakeBenchmark.selector");
        out.add(j.isPresent() && s.isPresent()
                ? Target.atMost("3", what, j.get().median(), s.get().median(), "ns", 1.0)
                : Target.missing("3", what, "<= 1.00x", "benchmark not run"));
    }

    private void churn(List<Target> out) {
        Optional<Result> j = jmh.find("ChurnBenchmark.jpoll");
        String[][] references = {
            {"selector", "churn: register+deregister vs register+cancel+selectNow (the issue's cycle; never reaches epoll)"},
            {"selectorInKernel", "churn: register+deregister vs register+selectNow+cancel+selectNow (epoll ADD and DEL)"},
        };
        for (String[] ref : references) {
            Optional<Result> s = jmh.find("ChurnBenchmark." + ref[0]);
            out.add(j.isPresent() && s.isPresent()
                    ? Target.atLeast("4", ref[1], j.get().median(), s.get().median(), "ops/s", 2.0)
                    : Target.missing("4", ref[1], ">= 2.00x", "benchmark not run"));
        }
    }

    private void idle(List<Target> out) {
        List<Integer> sizes = jmh.intParam("IdleScaleBenchmark.jpoll", "idle");
        Optional<Result> small = jmh.find("IdleScaleBenchmark.jpoll", "idle=1000");
        if (sizes.isEmpty() || small.isEmpty()) {
            out.add(Target.missing("5", "idle scale: 16 ready among 100k vs 1k idle", "<= 1.20x", "benchmark not run"));
            return;
        }
        int largest = sizes.get(sizes.size() - 1);
        Result big = jmh.find("IdleScaleBenchmark.jpoll", "idle=" + largest).orElseThrow();
        if (largest < 100_000) {
            String why = "100k idle is beyond this machine's open-file limit" + env.idleSkipReason()
                    + "; measured up to " + Names.count(largest);
            out.add(Target.missing("5", "idle scale: jpoll poll time at 100k vs 1k idle", "<= 1.20x", why));
            out.add(Target.atMost("5", "idle scale: jpoll poll time at " + Names.count(largest) + " vs 1k idle"
                    + " (the largest size reachable here)", big.median(), small.get().median(), "ns", 1.2));
        } else {
            out.add(Target.atMost("5", "idle scale: jpoll poll time at 100k vs 1k idle", big.median(),
                    small.get().median(), "ns", 1.2));
        }
    }

    private void allocation(List<Target> out) {
        String[][] cases = {
            {"dispatchJpollLevel", "DispatchBenchmark.jpollLevel", "allocation, dispatch K=64 sockets: jpoll LEVEL"},
            {"dispatchJpollEdge", "DispatchBenchmark.jpollEdge", "allocation, dispatch K=64 sockets: jpoll EDGE"},
            {"dispatchJpollOneshot", "DispatchBenchmark.jpollOneshot", "allocation, dispatch K=64 sockets: jpoll ONESHOT"},
        };
        Optional<Result> selector = jmh.find("DispatchBenchmark.selectorSelectedKeys", "ready=" + DISPATCH_K);
        for (String[] c : cases) {
            Optional<Result> j = jmh.find(c[1], "ready=" + DISPATCH_K, "source=socket");
            Optional<Allocations.Count> exact = alloc == null ? Optional.empty() : alloc.get(c[0]);
            out.add(j.isPresent() && exact.isPresent() && selector.isPresent()
                    ? Target.zeroAllocation("6", c[2], exact.get(), j.get().allocPerOp(),
                            "Selector selectNow+keys: " + Format.bytes(selector.get().allocPerOp()) + " B/op")
                    : Target.missing("6", c[2], "0 B/op", "benchmark or allocation check not run"));
        }
        String what = "allocation, wake round trip: jpoll";
        Optional<Result> j = jmh.find("WakeBenchmark.jpoll");
        Optional<Result> s = jmh.find("WakeBenchmark.selector");
        Optional<Allocations.Count> exact = alloc == null ? Optional.empty() : alloc.get("wakeJpoll");
        out.add(j.isPresent() && s.isPresent() && exact.isPresent()
                ? Target.zeroAllocation("6", what, exact.get(), j.get().allocPerOp(),
                        "Selector: " + Format.bytes(s.get().allocPerOp()) + " B/op")
                : Target.missing("6", what, "0 B/op", "benchmark or allocation check not run"));
    }

    private void echo(List<Target> out) {
        for (int connections : jmh.intParam("EchoBenchmark.echo", "connections")) {
            for (int size : jmh.intParam("EchoBenchmark.echo", "size")) {
                String[] p = {"connections=" + connections, "size=" + size};
                Optional<Result> j = echo("jpoll", p);
                String shape = "echo " + connections + " conn x " + size + " B";
                for (String other : new String[] {"selector", "netty"}) {
                    boolean selector = other.equals("selector");
                    double limit = selector ? 1.1 : 0.9;
                    String what = shape + ": jpoll vs " + (selector ? "Selector" : "Netty epoll");
                    Optional<Result> o = echo(other, p);
                    out.add(j.isPresent() && o.isPresent()
                            ? Target.atLeast("7", what, j.get().median(), o.get().median(), "msg/s", limit)
                            : Target.missing("7", what, ">= " + Format.ratio(limit), "benchmark not run"));
                }
            }
        }
    }

    private Optional<Result> echo(String server, String... params) {
        String[] all = new String[params.length + 1];
        all[0] = "server=" + server;
        System.arraycopy(params, 0, all, 1, params.length);
        return jmh.find("EchoBenchmark.echo", all);
    }
}
