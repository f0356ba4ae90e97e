package io.jpoll.bench.timer;

import io.jpoll.Poll;
import io.jpoll.Timer;
import io.jpoll.bench.Jvm;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Arming a timer and cancelling it again, the cycle of every timeout that does not fire (a read
 * deadline met, a retry not needed), in nanoseconds per cycle; with {@code -prof gc}, bytes per
 * cycle. jpoll's timer against {@link ScheduledThreadPoolExecutor#schedule} plus
 * {@link ScheduledFuture#cancel}, the JDK's own way to have a timeout without a thread per timeout.
 * Goal: jpoll cheaper, and 0 B per cycle.
 *
 * <p>The executor removes cancelled tasks from its queue ({@code setRemoveOnCancelPolicy(true)}),
 * as a program that cancels most of its timeouts must: otherwise the queue grows by one task per
 * cycle until the delay runs out, and the benchmark would measure a heap filling up. The delay is
 * an hour, so that nothing fires during a measurement.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {Jvm.NATIVE_ACCESS, Jvm.EXPORT_NIO})
public class TimerArmBenchmark {
    static final Duration DELAY = Duration.ofHours(1);
    private static final Runnable NOTHING = () -> {
    };

    @State(Scope.Thread)
    public static class JpollState {
        Poll poll;
        Timer timer;

        @Setup(Level.Trial)
        public void setup() throws IOException {
            poll = Poll.open();
            timer = poll.timer(1);
        }

        @TearDown(Level.Trial)
        public void close() {
            if (poll != null) {
                poll.close();
            }
        }
    }

    @State(Scope.Thread)
    public static class ExecutorState {
        ScheduledThreadPoolExecutor executor;

        @Setup(Level.Trial)
        public void setup() {
            executor = new ScheduledThreadPoolExecutor(1);
            executor.setRemoveOnCancelPolicy(true);
            executor.prestartAllCoreThreads(); // its thread exists before the measurement, as jpoll's Poll does
        }

        @TearDown(Level.Trial)
        public void close() throws InterruptedException {
            executor.shutdownNow();
            executor.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    /** Arm, then cancel: two timerfd_settime calls on epoll. */
    @Benchmark
    public void jpollSetCancel(JpollState s) {
        s.timer.set(DELAY);
        s.timer.cancel();
    }

    /** Re-arming an armed timer, the cycle of a deadline pushed back on every read (one timerfd_settime). */
    @Benchmark
    public void jpollReset(JpollState s) {
        s.timer.set(DELAY);
    }

    /** Schedule, then cancel (which takes the task out of the queue again). */
    @Benchmark
    public boolean executorScheduleCancel(ExecutorState s) {
        ScheduledFuture<?> f = s.executor.schedule(NOTHING, DELAY.toNanos(), TimeUnit.NANOSECONDS);
        return f.cancel(false);
    }
}
