package io.jpoll.bench.alloc;

import io.jpoll.bench.Binding;
import io.jpoll.bench.churn.ChurnBenchmark;
import io.jpoll.bench.dispatch.DispatchBenchmark;
import io.jpoll.bench.empty.EmptyPollBenchmark;
import io.jpoll.bench.wake.WakeBenchmark;

import java.io.IOException;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Counts the bytes the benchmark thread allocates per operation, exactly, for the benchmarks whose
 * jpoll side must not allocate. JMH's {@code -prof gc} reports the same quantity, but divides in
 * its own per-iteration bookkeeping, which shows as a fraction of a byte per operation for slow
 * operations; this check runs the very same benchmark methods and states outside JMH, after a
 * JIT warm-up, and reads the thread's allocation counter around them.
 *
 * <p>Usage: {@code AllocationCheck <operations per round> <out.json> <ffm|jna>}: the last argument
 * is the epoll backend's native binding, which a JVM chooses once, so run.sh runs the check once
 * per binding.
 */
public final class AllocationCheck {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** One measured operation; EDGE runs its untimed preparation outside the counted region. */
    private interface Op {
        void run() throws Exception;
    }

    private AllocationCheck() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            throw new IllegalArgumentException("usage: AllocationCheck <operations> <out.json> <ffm|jna>");
        }
        int ops = Integer.parseInt(args[0]);
        String binding = args[2];
        Binding.use(binding);
        Map<String, double[]> bytesPerOp = new LinkedHashMap<>();
        DispatchBenchmark dispatch = new DispatchBenchmark();

        DispatchBenchmark.JpollLevel level = dispatchState(new DispatchBenchmark.JpollLevel(), binding);
        level.setup();
        try {
            bytesPerOp.put("dispatchJpollLevel", measure(ops, () -> dispatch.jpollLevel(level), null));
        } finally {
            level.close();
        }
        DispatchBenchmark.JpollEdge edge = dispatchState(new DispatchBenchmark.JpollEdge(), binding);
        edge.setup();
        try {
            bytesPerOp.put("dispatchJpollEdge", measure(ops, () -> dispatch.jpollEdge(edge), edge::newEdges));
        } finally {
            edge.close();
        }
        DispatchBenchmark.JpollOneshot oneshot = dispatchState(new DispatchBenchmark.JpollOneshot(), binding);
        oneshot.setup();
        try {
            bytesPerOp.put("dispatchJpollOneshot", measure(ops, () -> dispatch.jpollOneshot(oneshot), null));
        } finally {
            oneshot.close();
        }
        DispatchBenchmark.SelectorState selector = new DispatchBenchmark.SelectorState();
        selector.ready = 64;
        selector.setup();
        try {
            bytesPerOp.put("dispatchSelectorSelectedKeys", measure(ops, () -> dispatch.selectorSelectedKeys(selector), null));
            bytesPerOp.put("dispatchSelectorConsumer", measure(ops, () -> dispatch.selectorConsumer(selector), null));
        } finally {
            selector.close();
        }

        WakeBenchmark wake = new WakeBenchmark();
        WakeBenchmark.JpollPair jpollPair = new WakeBenchmark.JpollPair();
        jpollPair.binding = binding;
        jpollPair.setup();
        try {
            bytesPerOp.put("wakeJpoll", measure(ops / 4, () -> wake.jpoll(jpollPair), null));
        } finally {
            jpollPair.close();
        }
        WakeBenchmark.SelectorPair selectorPair = new WakeBenchmark.SelectorPair();
        selectorPair.setup();
        try {
            bytesPerOp.put("wakeSelector", measure(ops / 4, () -> wake.selector(selectorPair), null));
        } finally {
            selectorPair.close();
        }

        ChurnBenchmark churn = new ChurnBenchmark();
        ChurnBenchmark.JpollState churnState = new ChurnBenchmark.JpollState();
        churnState.binding = binding;
        churnState.setup();
        try {
            bytesPerOp.put("churnJpoll", measure(ops, () -> churn.jpoll(churnState), null));
        } finally {
            churnState.close();
        }

        EmptyPollBenchmark empty = new EmptyPollBenchmark();
        EmptyPollBenchmark.JpollState emptyState = new EmptyPollBenchmark.JpollState();
        emptyState.binding = binding;
        emptyState.setup();
        try {
            bytesPerOp.put("emptyPollJpoll", measure(ops, () -> empty.jpoll(emptyState), null));
        } finally {
            emptyState.close();
        }

        StringBuilder json = new StringBuilder("{\"operations\":").append(ops)
                .append(",\"binding\":\"").append(binding).append('"');
        bytesPerOp.forEach((k, v) -> json.append(String.format(Locale.ROOT, ",\"%s\":{\"least\":%.4f,\"most\":%.4f}",
                k, v[0], v[1])));
        json.append("}\n");
        try (Writer w = Files.newBufferedWriter(Path.of(args[1]), StandardCharsets.UTF_8)) {
            w.write(json.toString());
        }
        System.out.print(json);
    }

    private static <T extends DispatchBenchmark.JpollState> T dispatchState(T state, String binding) {
        state.binding = binding;
        state.ready = 64;
        state.source = "socket";
        return state;
    }

    /**
     * Runs {@code ops} operations to let C2 compile them, then three rounds of {@code ops} more,
     * counting only what the operations themselves allocate on this thread. Returns the fewest and
     * the most bytes per operation of the three rounds: an allocation per operation shows in every
     * round, a one-off (a class initialised, a deoptimisation) in one at most.
     */
    private static double[] measure(int ops, Op op, Op untimedPreparation) throws Exception {
        round(ops, op, untimedPreparation);
        double least = Double.MAX_VALUE;
        double most = 0;
        for (int r = 0; r < 3; r++) {
            double perOp = round(ops, op, untimedPreparation) / (double) ops;
            least = Math.min(least, perOp);
            most = Math.max(most, perOp);
        }
        return new double[] {least, most};
    }

    private static long round(int ops, Op op, Op untimedPreparation) throws Exception {
        if (untimedPreparation == null) {
            long before = THREADS.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < ops; i++) {
                op.run();
            }
            return THREADS.getCurrentThreadAllocatedBytes() - before;
        }
        long allocated = 0;
        for (int i = 0; i < ops; i++) {
            untimedPreparation.run();
            long before = THREADS.getCurrentThreadAllocatedBytes();
            op.run();
            allocated += THREADS.getCurrentThreadAllocatedBytes() - before;
        }
        return allocated;
    }
}
