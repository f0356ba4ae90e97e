package io.jpoll.bench.wake;

import io.jpoll.ClosedPollException;
import io.jpoll.Events;
import io.jpoll.Poll;
import io.jpoll.Waker;
import io.jpoll.bench.Binding;
import io.jpoll.bench.Jvm;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark 3: a wake round trip between two threads, each blocked in its own Poll (or Selector).
 * The benchmark thread wakes the partner's poll and blocks in its own until the partner wakes it
 * back. The score is the time per round trip.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {Jvm.NATIVE_ACCESS, Jvm.EXPORT_NIO})
public class WakeBenchmark {
    private static final long HERE = 1;
    private static final long THERE = 2;
    /** A round trip never takes this long; a lost wake fails the benchmark instead of hanging it. */
    private static final Duration LOST = Duration.ofSeconds(10);

    @State(Scope.Thread)
    public static class JpollPair {
        /** The epoll backend's native binding; run.sh passes only jna on a JDK without FFM. */
        @Param({"ffm", "jna"})
        public String binding;

        Poll here;
        Poll there;
        Waker wakeHere;
        Waker wakeThere;
        final Events events = new Events(16);
        Partner partner;

        @Setup(Level.Trial)
        public void setup() throws IOException {
            Binding.use(binding);
            here = Poll.open();
            there = Poll.open();
            wakeHere = here.waker(HERE);
            wakeThere = there.waker(THERE);
            partner = new Partner("jpoll wake partner", () -> {
                Events theirs = new Events(16);
                while (true) {
                    try {
                        // Returns with the wake event, or empty once the Poll closes at teardown.
                        if (there.poll(theirs, null) == 0) {
                            return;
                        }
                    } catch (ClosedPollException closedAtTeardown) {
                        return;
                    }
                    wakeHere.wake();
                }
            });
        }

        @TearDown(Level.Trial)
        public void close() throws InterruptedException {
            if (there != null) {
                there.close();
            }
            if (partner != null) {
                partner.join();
            }
            if (here != null) {
                here.close();
            }
        }
    }

    @State(Scope.Thread)
    public static class SelectorPair {
        Selector here;
        Selector there;
        volatile boolean stop;
        Partner partner;

        @Setup(Level.Trial)
        public void setup() throws IOException {
            here = Selector.open();
            there = Selector.open();
            partner = new Partner("Selector wake partner", () -> {
                while (true) {
                    there.select();
                    if (stop) {
                        return;
                    }
                    here.wakeup();
                }
            });
        }

        @TearDown(Level.Trial)
        public void close() throws IOException, InterruptedException {
            stop = true;
            if (there != null) {
                there.wakeup();
            }
            if (partner != null) {
                partner.join();
            }
            if (here != null) {
                here.close();
            }
            if (there != null) {
                there.close();
            }
        }
    }

    @Benchmark
    public long jpoll(JpollPair s) throws IOException {
        s.wakeThere.wake();
        int n = s.here.poll(s.events, LOST);
        if (n != 1 || s.events.token(0) != HERE || !s.events.isReadable(0)) {
            throw new IllegalStateException("jpoll wake round trip: expected one readable event with token "
                    + HERE + ", got " + s.events);
        }
        return s.events.token(0);
    }

    @Benchmark
    public int selector(SelectorPair s) throws IOException {
        s.there.wakeup();
        // A Selector with no keys returns from select only when woken or on the bound; the clock
        // (two vDSO reads, tens of ns against a round trip of microseconds) tells them apart.
        long start = System.nanoTime();
        int n = s.here.select(LOST.toMillis());
        if (System.nanoTime() - start >= LOST.toNanos()) {
            throw new IllegalStateException("Selector wake round trip: no wakeup within " + LOST);
        }
        return n;
    }
}
