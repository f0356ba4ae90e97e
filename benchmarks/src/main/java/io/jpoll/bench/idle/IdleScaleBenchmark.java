package io.jpoll.bench.idle;

import io.jpoll.Events;
import io.jpoll.Interests;
import io.jpoll.Poll;
import io.jpoll.Source;
import io.jpoll.bench.Jvm;
import io.jpoll.bench.Ready;
import io.jpoll.bench.Settle;
import io.jpoll.bench.SocketPairs;
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
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Benchmark 5: a non-blocking poll that finds 16 ready sockets among {@code idle} registrations
 * that never fire. The score is the time per poll; a queue that scales keeps it flat as the idle
 * count grows. benchmarks/run.sh passes only the sizes the open-file limit allows.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {Jvm.NATIVE_ACCESS, Jvm.EXPORT_NIO})
public class IdleScaleBenchmark {
    static final int ACTIVE = 16;

    @State(Scope.Thread)
    public abstract static class Load {
        @Param({"1000", "10000", "100000"})
        public int idle;

        SocketPairs active;
        IdleChannels idleChannels;

        void openLoad() throws IOException {
            active = SocketPairs.open(ACTIVE);
            idleChannels = IdleChannels.open(idle);
        }

        void pokeActive() throws IOException {
            for (int i = 0; i < ACTIVE; i++) {
                active.poke(i);
            }
        }

        void closeLoad() throws IOException {
            if (idleChannels != null) {
                idleChannels.close();
            }
            if (active != null) {
                active.close();
            }
        }
    }

    public static class JpollState extends Load {
        Poll poll;
        final Events events = new Events(1024);

        @Setup(Level.Trial)
        public void setup() throws IOException {
            openLoad();
            poll = Poll.open();
            Interests level = Interests.READABLE.level();
            for (int i = 0; i < ACTIVE; i++) {
                poll.registry().register(Source.of(active.near(i)), i, level);
            }
            for (int i = 0; i < idle; i++) {
                poll.registry().register(Source.of(idleChannels.get(i)), ACTIVE + i, level);
            }
            pokeActive();
            Settle.until(ACTIVE, () -> poll.poll(events, Duration.ZERO), "jpoll LEVEL");
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            if (poll != null) {
                poll.close();
            }
            closeLoad();
        }
    }

    public static class SelectorState extends Load {
        Selector selector;
        long sum;
        final Consumer<SelectionKey> action = key -> sum += (Long) key.attachment();

        @Setup(Level.Trial)
        public void setup() throws IOException {
            openLoad();
            selector = Selector.open();
            for (int i = 0; i < ACTIVE; i++) {
                active.near(i).register(selector, SelectionKey.OP_READ, (long) i);
            }
            for (int i = 0; i < idle; i++) {
                idleChannels.get(i).register(selector, SelectionKey.OP_READ, (long) (ACTIVE + i));
            }
            pokeActive();
            Settle.until(ACTIVE, () -> selector.selectNow(key -> { }), "Selector.selectNow(Consumer)");
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            if (selector != null) {
                selector.close();
            }
            closeLoad();
        }
    }

    @Benchmark
    public long jpoll(JpollState s) throws IOException {
        Events events = s.events;
        int n = s.poll.poll(events, Duration.ZERO);
        Ready.check("jpoll LEVEL", ACTIVE, n);
        long sum = 0;
        for (int i = 0; i < n; i++) {
            sum += events.token(i);
        }
        return sum;
    }

    @Benchmark
    public long selector(SelectorState s) throws IOException {
        s.sum = 0;
        int n = s.selector.selectNow(s.action);
        Ready.check("Selector.selectNow(Consumer)", ACTIVE, n);
        return s.sum;
    }
}
