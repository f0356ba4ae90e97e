package io.jpoll.bench.timer;

import io.jpoll.Events;
import io.jpoll.Interests;
import io.jpoll.Poll;
import io.jpoll.Source;
import io.jpoll.Timer;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The timer benchmarks' questions answered in CPU time instead of wall time, for a machine shared
 * with other work, where a preempted JMH iteration measures the neighbours: the cost of each
 * operation as the CPU time of the calling thread and of the whole process (which also charges the
 * executor's own thread and the garbage collector), and the bytes the calling thread allocated.
 * The contenders alternate in every round, so slow phases of the machine hit them alike; the
 * medians over the rounds are printed, with the ratios the goals name.
 *
 * <pre>java --enable-native-access=ALL-UNNAMED --add-exports=java.base/sun.nio.ch=ALL-UNNAMED \
 *     -cp benchmarks/target/benchmarks.jar io.jpoll.bench.timer.TimerCost [rounds] [ops per round]</pre>
 */
public final class TimerCost {
    private static final int IDLE_TIMERS = 10_000;
    private static final Runnable NOTHING = () -> {
    };

    private static final java.lang.management.ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final com.sun.management.ThreadMXBean ALLOC =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private TimerCost() {
    }

    interface Op {
        void run(int ops) throws IOException;
    }

    /** One contender's figures per round: thread CPU, process CPU and wall time in ns/op, bytes/op. */
    static final class Figures {
        final String name;
        final double[] threadCpu;
        final double[] processCpu;
        final double[] wall;
        final double[] bytes;

        Figures(String name, int rounds) {
            this.name = name;
            threadCpu = new double[rounds];
            processCpu = new double[rounds];
            wall = new double[rounds];
            bytes = new double[rounds];
        }

        void measure(int round, Op op, int ops) throws IOException {
            long b0 = ALLOC.getCurrentThreadAllocatedBytes();
            long p0 = OS.getProcessCpuTime();
            long t0 = THREADS.getCurrentThreadCpuTime();
            long w0 = System.nanoTime();
            op.run(ops);
            long w1 = System.nanoTime();
            long t1 = THREADS.getCurrentThreadCpuTime();
            long p1 = OS.getProcessCpuTime();
            long b1 = ALLOC.getCurrentThreadAllocatedBytes();
            threadCpu[round] = (double) (t1 - t0) / ops;
            processCpu[round] = (double) (p1 - p0) / ops;
            wall[round] = (double) (w1 - w0) / ops;
            bytes[round] = (double) (b1 - b0) / ops;
        }

        String line() {
            return String.format("%-34s %10.0f %10.0f %10.0f %8.1f", name, median(threadCpu), median(processCpu),
                    median(wall), median(bytes));
        }
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        int ops = args.length > 1 ? Integer.parseInt(args[1]) : 50_000;
        Duration delay = TimerArmBenchmark.DELAY;
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1);
        executor.setRemoveOnCancelPolicy(true);
        executor.prestartAllCoreThreads();
        try (Poll armPoll = Poll.open(); Poll bare = Poll.open(); Poll busy = Poll.open()) {
            Timer timer = armPoll.timer(1);
            Pipe pipe = Pipe.open();
            pipe.source().configureBlocking(false);
            pipe.sink().write(ByteBuffer.wrap(new byte[]{1}));
            Events events = new Events(16);
            bare.registry().register(Source.of(pipe.source()), -1, Interests.READABLE.level());
            busy.registry().register(Source.of(pipe.source()), -1, Interests.READABLE.level());
            for (int i = 0; i < IDLE_TIMERS; i++) {
                busy.timer(i).set(delay.plusMillis(i));
            }
            Op setCancel = n -> {
                for (int i = 0; i < n; i++) {
                    timer.set(delay);
                    timer.cancel();
                }
            };
            Op scheduleCancel = n -> {
                for (int i = 0; i < n; i++) {
                    ScheduledFuture<?> f = executor.schedule(NOTHING, delay.toNanos(), TimeUnit.NANOSECONDS);
                    f.cancel(false);
                }
            };
            Op pollBare = n -> pollReady(bare, events, n);
            Op pollBusy = n -> pollReady(busy, events, n);

            Figures[] all = {
                    new Figures("jpoll Timer set + cancel", rounds),
                    new Figures("executor schedule + cancel", rounds),
                    new Figures("poll, 0 armed timers", rounds),
                    new Figures("poll, " + IDLE_TIMERS + " armed timers", rounds)};
            Op[] opsOf = {setCancel, scheduleCancel, pollBare, pollBusy};
            Figures[] warm = new Figures[all.length];
            for (int i = 0; i < all.length; i++) {
                warm[i] = new Figures("warm-up", 3);
            }
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < all.length; i++) {
                    warm[i].measure(round, opsOf[i], ops);
                }
            }
            for (int round = 0; round < rounds; round++) {
                // Alternate the order, so that neither of a pair always runs first after the other's garbage.
                for (int k = 0; k < all.length; k++) {
                    int i = round % 2 == 0 ? k : (k ^ 1);
                    all[i].measure(round, opsOf[i], ops);
                }
            }
            System.out.printf("java %s, %s; %d rounds of %d ops, medians%n", System.getProperty("java.version"),
                    armPoll.backend(), rounds, ops);
            System.out.printf("%-34s %10s %10s %10s %8s%n", "", "thread ns", "process ns", "wall ns", "B/op");
            for (Figures f : all) {
                System.out.println(f.line());
            }
            System.out.println(ratios("jpoll / executor (goal < 1)", all[0], all[1]));
            System.out.println(ratios("10,000 armed / none (goal <= 1.2)", all[3], all[2]));
            System.out.println("(process CPU comes in the OS's clock ticks: about 10 ms / ops per round of resolution)");
            pipe.source().close();
            pipe.sink().close();
        } finally {
            executor.shutdownNow();
        }
    }

    private static void pollReady(Poll poll, Events events, int n) throws IOException {
        for (int i = 0; i < n; i++) {
            if (poll.poll(events, Duration.ZERO) != 1 || events.token(0) != -1) {
                throw new IllegalStateException("expected the ready pipe alone, got " + events.size() + " events");
            }
        }
    }

    private static String ratios(String what, Figures a, Figures b) {
        return "ratio " + what + ": thread CPU " + ratio(a.threadCpu, b.threadCpu) + ", process CPU "
                + ratio(a.processCpu, b.processCpu) + ", wall " + ratio(a.wall, b.wall);
    }

    private static String ratio(double[] a, double[] b) {
        double below = median(b);
        return below == 0 ? "n/a (below the clock's resolution)" : String.format("%.2f", median(a) / below);
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
