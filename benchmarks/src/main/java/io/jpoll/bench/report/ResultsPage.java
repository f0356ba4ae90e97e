package io.jpoll.bench.report;

import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;

/** Writes RESULTS.md: the header, the targets, one section per benchmark, then every raw result. */
final class ResultsPage {
    private final JmhResults jmh;
    private final CResults c;
    private final COps ops;
    private final Map<String, Allocations> alloc;
    private final Footprints footprint;
    private final EchoRuns echoRuns;
    private final Environment env;
    private final List<Target> targets;
    private final List<Target> earlier;
    private final String profile;
    private final StringBuilder md = new StringBuilder();

    ResultsPage(JmhResults jmh, CResults c, COps ops, Map<String, Allocations> alloc, Footprints footprint,
                EchoRuns echoRuns, Environment env, List<Target> targets, List<Target> earlier, String profile) {
        this.jmh = jmh;
        this.c = c;
        this.ops = ops;
        this.alloc = alloc;
        this.footprint = footprint;
        this.echoRuns = echoRuns;
        this.env = env;
        this.targets = targets;
        this.earlier = earlier;
        this.profile = profile;
    }

    String render() {
        header();
        targetTable("Targets of issue 13", targets);
        line("Rows marked R are retired goals that measured the wrong thing, kept as information. Earlier goals,"
                + " which issue 13 did not restate, follow.").line("");
        targetTable("Earlier targets", earlier);
        dispatch();
        singleCalls();
        wake();
        idle();
        allocation();
        echo();
        if (profile != null && !profile.isBlank()) {
            line("## Where jpoll loses, and why").line("").line(profile.strip()).line("");
        }
        everything();
        return md.toString();
    }

    private void header() {
        line("# jpoll benchmark results").line("");
        if (env.quick()) {
            line("> **Quick smoke run** (`run.sh --quick`): one fork, short iterations. It shows the benchmarks work;"
                    + " its numbers are not for quoting. The committed RESULTS.md comes from a full run.").line("");
        } else if ("short".equals(env.get("mode"))) {
            line("> **Shortened run** (`run.sh --short`): one fork and fewer iterations than a full run, to fit the"
                    + " time available; the medians are of fewer samples.").line("");
        }
        line("| | |").line("| --- | --- |");
        row("Date (UTC)", env.get("date"));
        row("Machine", env.get("cpu") + ", " + env.get("cores") + " cores, " + env.get("memory") + ", " + env.get("kernel"));
        row("Load", env.get("note") + "; load average at the end: " + env.get("loadEnd"));
        row("JDK", jmh.vmName + " (" + jmh.jdkVersion + ")");
        row("jpoll native bindings", env.bindings().contains("ffm")
                ? "**jpoll-FFM** (`java.lang.foreign`, the default on this JDK) and **jpoll-JNA** (`-Djpoll.native=jna`),"
                        + " each jpoll benchmark once per binding, each in its own forks; echo and idle scale on FFM only"
                : "**jpoll-JNA** only: JDK " + env.get("javaFeature") + " has no `java.lang.foreign` (final in JDK 22),"
                        + " so the FFM binding does not exist here");
        row("JVM flags, every fork and contender", "`" + String.join(" ", jmh.jvmArgs) + "`");
        row("JMH", "1.37, " + jmh.forks + " fork(s), warm-up " + jmh.warmup + ", measurement " + jmh.measurement
                + ", `-prof gc`" + (echoRuns == null ? "" : "; echo: " + echoRuns.count()
                + " alternating runs of one fork each, warm-up " + echoRuns.first().warmup + ", measurement "
                + echoRuns.first().measurement));
        row("C loops", env.get("gcc") + ", `-O2`, " + env.get("cRuns"));
        row("Netty", "4.2.18.Final, native epoll (`netty-transport-native-epoll`, linux-x86_64), one event loop");
        line("");
        line("Every number is the **median** over all measured iterations of all forks (the JMH mean with its"
                + " 99.9% error is in the last table). Ratios are jpoll / reference: below 1 is faster for times,"
                + " above 1 is faster for throughputs.").line("");
    }

    private void targetTable(String title, List<Target> list) {
        StringBuilder counts = new StringBuilder();
        for (String b : Targets.BINDINGS) {
            if (!env.bindings().contains(b)) {
                continue;
            }
            long met = list.stream().map(t -> cellOf(t, b)).filter(x -> Boolean.TRUE.equals(x.met())).count();
            long missed = list.stream().map(t -> cellOf(t, b)).filter(x -> Boolean.FALSE.equals(x.met())).count();
            counts.append(counts.length() == 0 ? ": " : "; ").append("jpoll-").append(b.toUpperCase()).append(" ")
                    .append(met).append(" met, ").append(missed).append(" missed");
        }
        line("## " + title + counts).line("");
        line("| # | What | jpoll-FFM | jpoll-JNA | Reference | Ratio FFM | Ratio JNA | Goal | FFM | JNA |");
        line("| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | --- | --- |");
        for (Target t : list) {
            line("| " + t.id() + " | " + t.what() + " | " + t.ffm().jpoll() + " | " + t.jna().jpoll() + " | "
                    + t.reference() + " | " + t.ffm().ratio() + " | " + t.jna().ratio() + " | " + t.goal() + " | "
                    + t.ffm().verdict() + " | " + t.jna().verdict() + " |");
        }
        line("");
    }

    private static Target.Cell cellOf(Target t, String binding) {
        return binding.equals("ffm") ? t.ffm() : t.jna();
    }

    private void dispatch() {
        line("## Dispatch: one non-blocking poll over 1,000 registrations, K ready (ns per poll)").line("");
        line("Each poll is followed by a pass over its events (token and readable flag). ONESHOT re-arms every"
                + " reported source inside the timed operation. EDGE makes a fresh edge on each ready source"
                + " before every poll, outside the timing (JMH per-invocation setup), so its polls are timed one"
                + " by one (JMH SampleTime) and scored by the **median single poll**, in Java and in C alike: a"
                + " reschedule that fell due during the untimed syscall burst is taken on the way out of the"
                + " timed epoll_wait, and on a loaded machine those few preempted samples triple the mean (see"
                + " the last table). LEVEL and ONESHOT are means over back-to-back polls. The JDK Selector cannot"
                + " register an eventfd (and has no triggers: its columns repeat on every trigger's rows).").line("");
        line("![dispatch](dispatch.png)").line("");
        List<Integer> ks = jmh.intParam("DispatchBenchmark.jpollLevel", "ready");
        for (String kind : new String[] {"socket", "eventfd"}) {
            boolean sockets = kind.equals("socket");
            line(sockets ? "Sockets (TCP loopback pairs):" : "Eventfds:").line("");
            line("| Trigger | K | jpoll-FFM | jpoll-JNA | C | FFM / C | JNA / C"
                    + (sockets ? " | Selector selectNow+keys | Selector selectNow(Consumer) |" : " |"));
            line("| --- | ---: | ---: | ---: | ---: | ---: | ---:" + (sockets ? " | ---: | ---: |" : " |"));
            for (String t : Targets.TRIGGERS) {
                for (int k : ks) {
                    double ffm = median("DispatchBenchmark.jpoll" + t, "binding=ffm", "ready=" + k, "source=" + kind);
                    double jna = median("DispatchBenchmark.jpoll" + t, "binding=jna", "ready=" + k, "source=" + kind);
                    double cv = c == null ? Double.NaN
                            : c.find(kind, t.toUpperCase(), k).map(CResults.Row::median).orElse(Double.NaN);
                    line("| " + t.toUpperCase() + " | " + k + " | " + Format.number(ffm) + " | " + Format.number(jna) + " | "
                            + Format.number(cv) + " | " + Format.ratio(ffm / cv) + " | " + Format.ratio(jna / cv)
                            + (sockets ? " | " + Format.number(median("DispatchBenchmark.selectorSelectedKeys", "ready=" + k))
                                    + " | " + Format.number(median("DispatchBenchmark.selectorConsumer", "ready=" + k)) + " |"
                                    : " |"));
                }
            }
            line("");
        }
    }

    private void singleCalls() {
        line("## Single calls: an empty non-blocking poll, and register + deregister (ns per operation)").line("");
        line("The empty poll is `poll(events, ZERO)` on a Poll with nothing registered, `selectNow()` on an empty"
                + " Selector, `epoll_wait(ep, events, 1024, 0)` in C (src/main/c/ops.c). Register + deregister is"
                + " one `register` and one `deregister` of a connected TCP socket through the Registry: one"
                + " `epoll_ctl` ADD and one DEL, as in the C loop. ChurnBenchmark measures it as a throughput; here it"
                + " is shown as ns per cycle (10^9 / ops/s). The Selector has no direct equivalent: its cycle that"
                + " reaches epoll is register + selectNow + cancel + selectNow (an ADD inside the first selection,"
                + " a DEL inside the second); register + cancel + selectNow never reaches epoll at all.").line("");
        line("| Operation | jpoll-FFM | jpoll-JNA | Selector | C | FFM / C | JNA / C | FFM / Selector | JNA / Selector |");
        line("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        double cEmpty = ops == null ? Double.NaN : ops.ns("emptyPoll").orElse(Double.NaN);
        singleRow("empty poll", median("EmptyPollBenchmark.jpoll", "binding=ffm"),
                median("EmptyPollBenchmark.jpoll", "binding=jna"), median("EmptyPollBenchmark.selector"), cEmpty);
        double cReg = ops == null ? Double.NaN : ops.ns("registerDeregister").orElse(Double.NaN);
        singleRow("register + deregister (Selector: register + selectNow + cancel + selectNow)",
                1e9 / median("ChurnBenchmark.jpoll", "binding=ffm"), 1e9 / median("ChurnBenchmark.jpoll", "binding=jna"),
                1e9 / median("ChurnBenchmark.selectorInKernel"), cReg);
        singleRow("register + deregister (Selector: register + cancel + selectNow, no epoll_ctl)",
                1e9 / median("ChurnBenchmark.jpoll", "binding=ffm"), 1e9 / median("ChurnBenchmark.jpoll", "binding=jna"),
                1e9 / median("ChurnBenchmark.selector"), cReg);
        line("");
    }

    private void singleRow(String label, double ffm, double jna, double selector, double cv) {
        line("| " + label + " | " + Format.number(ffm) + " | " + Format.number(jna) + " | " + Format.number(selector) + " | "
                + Format.number(cv) + " | " + Format.ratio(ffm / cv) + " | " + Format.ratio(jna / cv) + " | "
                + Format.ratio(ffm / selector) + " | " + Format.ratio(jna / selector) + " |");
    }

    private void wake() {
        line("## Wake round trip between two threads (ns)").line("");
        line("| jpoll-FFM | jpoll-JNA | Selector.wakeup() | FFM / Selector | JNA / Selector |");
        line("| ---: | ---: | ---: | ---: | ---: |");
        double ffm = median("WakeBenchmark.jpoll", "binding=ffm");
        double jna = median("WakeBenchmark.jpoll", "binding=jna");
        double s = median("WakeBenchmark.selector");
        line("| " + Format.number(ffm) + " | " + Format.number(jna) + " | " + Format.number(s) + " | "
                + Format.ratio(ffm / s) + " | " + Format.ratio(jna / s) + " |");
        line("");
    }

    private double median(String benchmark, String... params) {
        return jmh.find(benchmark, params).map(Result::median).orElse(Double.NaN);
    }

    private void idle() {
        line("## Idle scale: 16 ready sockets among N idle registrations (ns per poll)").line("");
        line("The idle registrations are unbound UDP sockets (one fd each) that never become readable; jpoll on its"
                + " default binding (" + env.defaultBinding() + "). " + env.get("idleNote")).line("");
        line("| Idle | jpoll | Selector selectNow(Consumer) | jpoll / Selector |").line("| ---: | ---: | ---: | ---: |");
        for (int n : jmh.intParam("IdleScaleBenchmark.jpoll", "idle")) {
            double j = median("IdleScaleBenchmark.jpoll", "idle=" + n);
            double sel = median("IdleScaleBenchmark.selector", "idle=" + n);
            line("| " + Names.count(n) + " | " + Format.number(j) + " | " + Format.number(sel) + " | "
                    + Format.ratio(j / sel) + " |");
        }
        line("");
    }

    private void allocation() {
        line("## Allocation").line("");
        Allocations any = alloc.values().stream().findFirst().orElse(null);
        line("Bytes allocated per operation, two ways. **Exact**: the same benchmark methods and states run"
                + " outside JMH after a JIT warm-up, once per binding (a JVM binds once), counting the benchmark"
                + " thread's own allocation (`ThreadMXBean.getCurrentThreadAllocatedBytes`) over three rounds of "
                + (any == null ? "?" : String.format(Locale.ROOT, "%,d", any.operations))
                + " operations; shown as the quietest / busiest round (a per-operation allocation shows in every"
                + " round). **JMH**: `-prof gc`'s `gc.alloc.rate.norm` (median), which also spreads JMH's own"
                + " per-iteration allocation over the operations, so slow operations show a fraction of a byte.").line("");
        line("| Operation | jpoll-FFM exact | jpoll-FFM JMH | jpoll-JNA exact | jpoll-JNA JMH | Selector exact | Selector JMH |");
        line("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        String k = "ready=" + Targets.DISPATCH_K;
        allocRow("dispatch LEVEL, K=64 sockets (Selector: selectNow + selectedKeys)", "dispatchJpollLevel",
                "DispatchBenchmark.jpollLevel", true, "dispatchSelectorSelectedKeys",
                jmh.find("DispatchBenchmark.selectorSelectedKeys", k));
        allocRow("dispatch EDGE, K=64 sockets (Selector: selectNow(Consumer))", "dispatchJpollEdge",
                "DispatchBenchmark.jpollEdge", true, "dispatchSelectorConsumer",
                jmh.find("DispatchBenchmark.selectorConsumer", k));
        allocRow("dispatch ONESHOT + re-arm, K=64 sockets", "dispatchJpollOneshot", "DispatchBenchmark.jpollOneshot",
                true, null, Optional.empty());
        allocRow("empty poll (Selector: selectNow)", "emptyPollJpoll", "EmptyPollBenchmark.jpoll", false, null,
                jmh.find("EmptyPollBenchmark.selector"));
        allocRow("register + deregister (Selector: register + selectNow + cancel + selectNow)", "churnJpoll",
                "ChurnBenchmark.jpoll", false, null, jmh.find("ChurnBenchmark.selectorInKernel"));
        allocRow("wake round trip", "wakeJpoll", "WakeBenchmark.jpoll", false, "wakeSelector",
                jmh.find("WakeBenchmark.selector"));
        line("");
        line("The JMH column of the EDGE row also counts the untimed per-invocation setup that makes the edges"
                + " and JMH's own SampleTime bookkeeping; the exact count is of the poll alone.").line("");
        if (footprint != null) {
            line("Heap bytes kept alive per registration (" + String.format(Locale.ROOT, "%,d", footprint.registrations())
                    + " idle UDP sockets registered; growth of the live heap after full GCs, divided by the count):").line("");
            line("| jpoll | jpoll, caller keeps its `Source` objects | Selector (key and its bookkeeping) |");
            line("| ---: | ---: | ---: |");
            line("| " + Format.bytes(footprint.jpoll()) + " B | " + Format.bytes(footprint.jpollKeepingSources()) + " B | "
                    + Format.bytes(footprint.selector()) + " B |");
            line("");
            line("jpoll's epoll backend keeps the token in the kernel's `epoll_event.data`, so a registration costs"
                    + " no heap; epoll's own record per fd is kernel memory and the same for both.").line("");
        }
    }

    private void allocRow(String label, String exactName, String benchmark, boolean dispatch, String selectorExact,
                          Optional<Result> selectorJmh) {
        StringBuilder row = new StringBuilder("| " + label);
        for (String b : Targets.BINDINGS) {
            Optional<Result> r = dispatch
                    ? jmh.find(benchmark, "binding=" + b, "ready=" + Targets.DISPATCH_K, "source=socket")
                    : jmh.find(benchmark, "binding=" + b);
            row.append(" | ").append(exact(b, exactName)).append(" | ")
                    .append(r.map(x -> Format.bytes(x.allocPerOp())).orElse("-"));
        }
        String selectorFrom = alloc.containsKey(env.defaultBinding()) ? env.defaultBinding() : "jna";
        row.append(" | ").append(selectorExact == null ? "" : exact(selectorFrom, selectorExact)).append(" | ")
                .append(selectorJmh.map(x -> Format.bytes(x.allocPerOp())).orElse("")).append(" |");
        line(row.toString());
    }

    private void echo() {
        line("## TCP echo over loopback (messages per second)").line("");
        line("One server thread (jpoll and Selector servers share the same connection code and use JDK channels"
                + " for I/O; Netty runs one native-epoll event loop). One load generator on the benchmark"
                + " thread (a JDK Selector) keeps exactly one message in flight per connection. jpoll runs on its"
                + " default binding (" + env.defaultBinding() + ").").line("");
        if (echoRuns == null) {
            line("Echo did not run.").line("");
            return;
        }
        line("Echo ran as " + echoRuns.count() + " alternating runs: each run measures every server once, each in"
                + " its own single fork, in an order that rotates run by run (jpoll, selector, netty; then selector,"
                + " netty, jpoll; ...). A server's score in a run is the median of its iterations; the columns"
                + " below are the medians over the runs, and the ratios (the goal's measure) are the **medians of"
                + " the per-run ratios**, each run's jpoll against the same run's other server. The per-run"
                + " ratios are listed in run order.").line("");
        line("| Connections | Message | jpoll | Selector | Netty epoll | jpoll / Selector | jpoll / Netty | per run: jpoll / Selector | per run: jpoll / Netty |");
        line("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |");
        for (int conns : echoRuns.values("connections")) {
            for (int size : echoRuns.values("size")) {
                double j = Stats.median(echoRuns.scores("jpoll", conns, size));
                double sel = Stats.median(echoRuns.scores("selector", conns, size));
                double n = Stats.median(echoRuns.scores("netty", conns, size));
                double[] rs = echoRuns.ratios("selector", conns, size);
                double[] rn = echoRuns.ratios("netty", conns, size);
                line("| " + conns + " | " + size + " B | " + Format.number(j) + " | " + Format.number(sel) + " | "
                        + Format.number(n) + " | " + Format.ratio(Stats.median(rs)) + " | " + Format.ratio(Stats.median(rn))
                        + " | " + ratios(rs) + " | " + ratios(rn) + " |");
            }
        }
        line("");
    }

    private static String ratios(double[] r) {
        StringBuilder b = new StringBuilder();
        for (double x : r) {
            b.append(b.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.2f", x));
        }
        return b.toString();
    }

    private void everything() {
        line("## Every result").line("");
        line("| Benchmark | Parameters | Median | Mean ± 99.9% error | Unit | Samples | B/op |");
        line("| --- | --- | ---: | ---: | --- | ---: | ---: |");
        for (Result r : jmh.all()) {
            resultRow(r, "");
        }
        if (echoRuns != null) {
            for (Map.Entry<Integer, Result> e : echoRuns.all()) {
                resultRow(e.getValue(), ", run=" + e.getKey());
            }
        }
        line("");
    }

    private void resultRow(Result r, String extra) {
        line("| " + r.shortName() + " | " + r.params().toString().replaceAll("[{}]", "") + extra + " | "
                + String.format(Locale.ROOT, "%,.1f", r.median()) + " | " + Format.error(r) + " | " + r.unit()
                + " | " + r.samples() + " | " + Format.bytes(r.allocPerOp()) + " |");
    }

    private String exact(String binding, String name) {
        Allocations a = alloc.get(binding);
        if (a == null) {
            return "-";
        }
        return a.get(name).map(c -> Format.bytes4(c.least()) + " / " + Format.bytes4(c.most())).orElse("-");
    }

    private void row(String key, String value) {
        line("| " + key + " | " + value + " |");
    }

    private ResultsPage line(String s) {
        md.append(s).append('\n');
        return this;
    }
}
