package io.jpoll.bench.report;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Writes RESULTS.md: the header, the targets, one section per benchmark, then every raw result. */
final class ResultsPage {
    private final JmhResults jmh;
    private final CResults c;
    private final Allocations alloc;
    private final Footprints footprint;
    private final Environment env;
    private final List<Target> targets;
    private final String profile;
    private final StringBuilder md = new StringBuilder();

    ResultsPage(JmhResults jmh, CResults c, Allocations alloc, Footprints footprint, Environment env,
                List<Target> targets, String profile) {
        this.jmh = jmh;
        this.c = c;
        this.alloc = alloc;
        this.footprint = footprint;
        this.env = env;
        this.targets = targets;
        this.profile = profile;
    }

    String render() {
        header();
        targetTable();
        dispatch();
        wakeAndChurn();
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
        }
        line("| | |").line("| --- | --- |");
        row("Date (UTC)", env.get("date"));
        row("Machine", env.get("cpu") + ", " + env.get("cores") + " cores, " + env.get("memory") + ", " + env.get("kernel"));
        row("Load", env.get("note") + "; load average at the end: " + env.get("loadEnd"));
        row("JDK", jmh.vmName + " (" + jmh.jdkVersion + ")");
        row("JVM flags, every fork and contender", "`" + String.join(" ", jmh.jvmArgs) + "`");
        row("JMH", "1.37, " + jmh.forks + " fork(s), warm-up " + jmh.warmup + ", measurement " + jmh.measurement
                + ", `-prof gc`");
        row("C loop", env.get("gcc") + ", `-O2`, " + env.get("cRuns"));
        row("Netty", "4.2.18.Final, native epoll (`netty-transport-native-epoll`, linux-x86_64), one event loop");
        line("");
        line("Every number is the **median** over all measured iterations of all forks (the JMH mean with its"
                + " 99.9% error is in the last table). Ratios are jpoll / reference: below 1 is faster for times,"
                + " above 1 is faster for throughputs.").line("");
    }

    private void targetTable() {
        long met = targets.stream().filter(t -> Boolean.TRUE.equals(t.met())).count();
        long missed = targets.stream().filter(t -> Boolean.FALSE.equals(t.met())).count();
        long unmeasured = targets.size() - met - missed;
        line("## Targets: " + met + " met, " + missed + " missed" + (unmeasured > 0 ? ", " + unmeasured + " not measured" : ""));
        line("");
        line("| # | What | jpoll | Reference | Ratio | Goal | Verdict |");
        line("| --- | --- | ---: | ---: | ---: | --- | --- |");
        for (Target t : targets) {
            line("| " + t.id() + " | " + t.what() + " | " + t.jpoll() + " | " + t.reference() + " | " + t.comparison()
                    + " | " + t.goal() + " | " + t.verdict() + " |");
        }
        line("");
    }

    private void dispatch() {
        line("## 1, 2. Dispatch: one non-blocking poll over 1,000 registrations, K ready (ns per poll)").line("");
        line("Each poll is followed by a pass over its events (token and readable flag). ONESHOT re-arms every"
                + " reported source inside the timed operation. EDGE makes a fresh edge on each ready source"
                + " before every poll, outside the timing (JMH per-invocation setup), so its polls are timed one"
                + " by one (JMH SampleTime) and scored by the **median single poll**, in Java and in C alike: a"
                + " reschedule that fell due during the untimed syscall burst is taken on the way out of the"
                + " timed epoll_wait, and on a loaded machine those few preempted samples triple the mean (see"
                + " the last table). LEVEL and ONESHOT are means over back-to-back polls. The JDK Selector cannot"
                + " register an eventfd.").line("");
        line("![dispatch](dispatch.png)").line("");
        List<Integer> ks = jmh.intParam("DispatchBenchmark.jpollLevel", "ready");
        line("Sockets (TCP loopback pairs):").line("");
        line("| K | jpoll LEVEL | jpoll EDGE | jpoll ONESHOT | Selector selectNow+keys | Selector selectNow(Consumer) | C LEVEL | C EDGE | C ONESHOT |");
        line("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        for (int k : ks) {
            line("| " + k + " | " + ns("DispatchBenchmark.jpollLevel", k, "socket") + " | "
                    + ns("DispatchBenchmark.jpollEdge", k, "socket") + " | " + ns("DispatchBenchmark.jpollOneshot", k, "socket")
                    + " | " + ns("DispatchBenchmark.selectorSelectedKeys", k, null) + " | "
                    + ns("DispatchBenchmark.selectorConsumer", k, null) + " | " + cns("socket", "LEVEL", k) + " | "
                    + cns("socket", "EDGE", k) + " | " + cns("socket", "ONESHOT", k) + " |");
        }
        line("");
        line("Eventfds:").line("");
        line("| K | jpoll LEVEL | jpoll EDGE | jpoll ONESHOT | C LEVEL | C EDGE | C ONESHOT |");
        line("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        for (int k : ks) {
            line("| " + k + " | " + ns("DispatchBenchmark.jpollLevel", k, "eventfd") + " | "
                    + ns("DispatchBenchmark.jpollEdge", k, "eventfd") + " | " + ns("DispatchBenchmark.jpollOneshot", k, "eventfd")
                    + " | " + cns("eventfd", "LEVEL", k) + " | " + cns("eventfd", "EDGE", k) + " | "
                    + cns("eventfd", "ONESHOT", k) + " |");
        }
        line("");
    }

    private void wakeAndChurn() {
        line("## 3, 4. Wake round trip and registration churn").line("");
        line("| Benchmark | jpoll | Selector | Ratio |").line("| --- | ---: | ---: | ---: |");
        pair("Wake round trip between two threads (ns)", "WakeBenchmark", "selector", "ns");
        pair("Register + deregister one socket (ops/s); Selector: register + cancel + selectNow, which never"
                + " reaches epoll", "ChurnBenchmark", "selector", "ops/s");
        pair("Register + deregister one socket (ops/s); Selector: register + selectNow + cancel + selectNow"
                + " (epoll ADD, DEL)", "ChurnBenchmark", "selectorInKernel", "ops/s");
        line("");
    }

    private void pair(String label, String type, String selectorMethod, String unit) {
        Optional<Result> j = jmh.find(type + ".jpoll");
        Optional<Result> s = jmh.find(type + "." + selectorMethod);
        if (j.isEmpty() || s.isEmpty()) {
            line("| " + label + " | not run | | |");
            return;
        }
        line("| " + label + " | " + Format.value(j.get().median(), unit) + " | " + Format.value(s.get().median(), unit)
                + " | " + Format.ratio(j.get().median() / s.get().median()) + " |");
    }

    private void idle() {
        line("## 5. Idle scale: 16 ready sockets among N idle registrations (ns per poll)").line("");
        line("The idle registrations are unbound UDP sockets (one fd each) that never become readable."
                + " " + env.get("idleNote")).line("");
        line("| Idle | jpoll | Selector selectNow(Consumer) | jpoll / Selector |").line("| ---: | ---: | ---: | ---: |");
        for (int n : jmh.intParam("IdleScaleBenchmark.jpoll", "idle")) {
            Optional<Result> j = jmh.find("IdleScaleBenchmark.jpoll", "idle=" + n);
            Optional<Result> s = jmh.find("IdleScaleBenchmark.selector", "idle=" + n);
            line("| " + Names.count(n) + " | " + j.map(r -> Format.number(r.median())).orElse("-") + " | "
                    + s.map(r -> Format.number(r.median())).orElse("-") + " | "
                    + (j.isPresent() && s.isPresent() ? Format.ratio(j.get().median() / s.get().median()) : "-") + " |");
        }
        line("");
    }

    private void allocation() {
        line("## 6. Allocation").line("");
        line("Bytes allocated per operation, two ways. **Exact**: the same benchmark methods and states run"
                + " outside JMH after a JIT warm-up, counting the benchmark thread's own allocation"
                + " (`ThreadMXBean.getCurrentThreadAllocatedBytes`) over three rounds of "
                + (alloc == null ? "?" : String.format(Locale.ROOT, "%,d", alloc.operations))
                + " operations; shown as the quietest / busiest round (a per-operation allocation shows in every"
                + " round). **JMH**: `-prof gc`'s `gc.alloc.rate.norm` (median), which also spreads JMH's own"
                + " per-iteration allocation over the operations, so slow operations show a fraction of a byte.").line("");
        line("| Operation | jpoll exact | jpoll JMH | Selector selectNow+keys exact | Selector JMH | Selector selectNow(Consumer) exact | Selector JMH |");
        line("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        line("| dispatch LEVEL, K=64 sockets | " + exact("dispatchJpollLevel") + " | " + jmhAlloc("DispatchBenchmark.jpollLevel")
                + " | " + exact("dispatchSelectorSelectedKeys") + " | " + jmhAlloc("DispatchBenchmark.selectorSelectedKeys")
                + " | " + exact("dispatchSelectorConsumer") + " | " + jmhAlloc("DispatchBenchmark.selectorConsumer") + " |");
        line("| dispatch EDGE, K=64 sockets | " + exact("dispatchJpollEdge") + " | " + jmhAlloc("DispatchBenchmark.jpollEdge")
                + " | | | | |");
        line("| dispatch ONESHOT + re-arm, K=64 sockets | " + exact("dispatchJpollOneshot") + " | "
                + jmhAlloc("DispatchBenchmark.jpollOneshot") + " | | | | |");
        Optional<Result> wj = jmh.find("WakeBenchmark.jpoll");
        Optional<Result> ws = jmh.find("WakeBenchmark.selector");
        line("| wake round trip | " + exact("wakeJpoll") + " | " + wj.map(r -> Format.bytes(r.allocPerOp())).orElse("-")
                + " | " + exact("wakeSelector") + " | " + ws.map(r -> Format.bytes(r.allocPerOp())).orElse("-") + " | | |");
        Optional<Result> cj = jmh.find("ChurnBenchmark.jpoll");
        Optional<Result> cs = jmh.find("ChurnBenchmark.selector");
        line("| churn: one register + deregister (Selector: register + cancel + selectNow) | " + exact("churnJpoll") + " | "
                + cj.map(r -> Format.bytes(r.allocPerOp())).orElse("-") + " | | "
                + cs.map(r -> Format.bytes(r.allocPerOp())).orElse("-") + " | | |");
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

    private void echo() {
        line("## 7. TCP echo over loopback (messages per second)").line("");
        line("One server thread (jpoll and Selector servers share the same connection code and use JDK channels"
                + " for I/O; Netty runs one native-epoll event loop). One load generator on the benchmark"
                + " thread (a JDK Selector) keeps exactly one message in flight per connection.").line("");
        line("| Connections | Message | jpoll | Selector | Netty epoll | jpoll / Selector | jpoll / Netty |");
        line("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        for (int conns : jmh.intParam("EchoBenchmark.echo", "connections")) {
            for (int size : jmh.intParam("EchoBenchmark.echo", "size")) {
                double j = echo("jpoll", conns, size);
                double s = echo("selector", conns, size);
                double n = echo("netty", conns, size);
                line("| " + conns + " | " + size + " B | " + Format.number(j) + " | " + Format.number(s) + " | "
                        + Format.number(n) + " | " + Format.ratio(j / s) + " | " + Format.ratio(j / n) + " |");
            }
        }
        line("");
    }

    private void everything() {
        line("## Every result").line("");
        line("| Benchmark | Parameters | Median | Mean ± 99.9% error | Unit | Samples | B/op |");
        line("| --- | --- | ---: | ---: | --- | ---: | ---: |");
        for (Result r : jmh.all()) {
            line("| " + r.shortName() + " | " + r.params().toString().replaceAll("[{}]", "") + " | "
                    + String.format(Locale.ROOT, "%,.1f", r.median()) + " | " + Format.error(r) + " | " + r.unit()
                    + " | " + r.samples() + " | " + Format.bytes(r.allocPerOp()) + " |");
        }
        line("");
    }

    private String ns(String benchmark, int k, String source) {
        Optional<Result> r = source == null
                ? jmh.find(benchmark, "ready=" + k)
                : jmh.find(benchmark, "ready=" + k, "source=" + source);
        return r.map(x -> Format.number(x.median())).orElse("-");
    }

    private String cns(String kind, String trigger, int k) {
        return c == null ? "-" : c.find(kind, trigger, k).map(x -> Format.number(x.median())).orElse("-");
    }

    private String jmhAlloc(String benchmark) {
        Optional<Result> r = benchmark.contains("selector")
                ? jmh.find(benchmark, "ready=" + Targets.DISPATCH_K)
                : jmh.find(benchmark, "ready=" + Targets.DISPATCH_K, "source=socket");
        return r.map(x -> Format.bytes(x.allocPerOp())).orElse("-");
    }

    private String exact(String name) {
        if (alloc == null) {
            return "-";
        }
        return alloc.get(name).map(c -> Format.bytes4(c.least()) + " / " + Format.bytes4(c.most())).orElse("-");
    }

    private double echo(String server, int conns, int size) {
        return jmh.find("EchoBenchmark.echo", "server=" + server, "connections=" + conns, "size=" + size)
                .map(Result::median).orElse(Double.NaN);
    }

    private void row(String key, String value) {
        line("| " + key + " | " + value + " |");
    }

    private ResultsPage line(String s) {
        md.append(s).append('\n');
        return this;
    }
}
