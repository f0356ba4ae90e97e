package io.jpoll.bench.empty;

import io.jpoll.Events;
import io.jpoll.Poll;
import io.jpoll.bench.Binding;
import io.jpoll.bench.Jvm;
import io.jpoll.bench.Ready;
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
 * A non-blocking poll of a queue with nothing ready: what an event loop pays on every turn in
 * which no I/O is waiting, and so the fixed cost of one call into the kernel and back. jpoll's
 * {@code poll(events, ZERO)} on an empty Poll against {@code Selector.selectNow()} on an empty
 * Selector; the C loop in src/main/c/ops.c calls {@code epoll_wait(ep, events, 1024, 0)}. Both
 * Java contenders keep their own wake-up descriptor registered, which never fires here.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {Jvm.NATIVE_ACCESS, Jvm.EXPORT_NIO})
public class EmptyPollBenchmark {
    /** As many events as the dispatch benchmark, the Selector (1,024) and the C loop ask for. */
    static final int EVENTS = 1024;

    @State(Scope.Thread)
    public static class JpollState {
        /** The epoll backend's native binding; run.sh passes only jna on a JDK without FFM. */
        @Param({"ffm", "jna"})
        public String binding;

        final Events events = new Events(EVENTS);
        Poll poll;
        String label;

        @Setup(Level.Trial)
        public void setup() throws IOException {
            Binding.use(binding);
            label = "jpoll-" + binding + " empty poll";
            poll = Poll.open();
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            if (poll != null) {
                poll.close();
            }
        }
    }

    @State(Scope.Thread)
    public static class SelectorState {
        Selector selector;

        @Setup(Level.Trial)
        public void setup() throws IOException {
            selector = Selector.open();
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            if (selector != null) {
                selector.close();
            }
        }
    }

    @Benchmark
    public int jpoll(JpollState s) throws IOException {
        int n = s.poll.poll(s.events, Duration.ZERO);
        Ready.check(s.label, 0, n);
        return n;
    }

    @Benchmark
    public int selector(SelectorState s) throws IOException {
        int n = s.selector.selectNow();
        Ready.check("empty Selector.selectNow()", 0, n);
        return n;
    }
}
