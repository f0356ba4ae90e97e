package io.jpoll.bench.churn;

import io.jpoll.Interests;
import io.jpoll.Poll;
import io.jpoll.Source;
import io.jpoll.bench.Binding;
import io.jpoll.bench.Jvm;
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
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark 4: registering a connected socket and removing it again, in operations per second:
 * for jpoll one epoll_ctl ADD and one DEL, as in the C loop of src/main/c/ops.c.
 * A Selector needs a {@code selectNow} after {@code cancel} before the channel can be registered
 * again (the key is only dropped by the next selection), so that is part of its cycle.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {Jvm.NATIVE_ACCESS, Jvm.EXPORT_NIO})
public class ChurnBenchmark {
    private static final Interests INTERESTS = Interests.READABLE.level();

    @State(Scope.Thread)
    public static class JpollState {
        /** The epoll backend's native binding; run.sh passes only jna on a JDK without FFM. */
        @Param({"ffm", "jna"})
        public String binding;

        SocketPairs pair;
        Poll poll;
        Source source;

        @Setup(Level.Trial)
        public void setup() throws IOException {
            Binding.use(binding);
            pair = SocketPairs.open(1);
            poll = Poll.open();
            source = Source.of(pair.near(0));
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            if (poll != null) {
                poll.close();
            }
            if (pair != null) {
                pair.close();
            }
        }
    }

    @State(Scope.Thread)
    public static class SelectorState {
        SocketPairs pair;
        Selector selector;
        SocketChannel channel;

        @Setup(Level.Trial)
        public void setup() throws IOException {
            pair = SocketPairs.open(1);
            selector = Selector.open();
            channel = pair.near(0);
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            if (selector != null) {
                selector.close();
            }
            if (pair != null) {
                pair.close();
            }
        }
    }

    @Benchmark
    public void jpoll(JpollState s) throws IOException {
        s.poll.registry().register(s.source, 7, INTERESTS);
        s.poll.registry().deregister(s.source);
    }

    /**
     * The cycle the first benchmark issue named, kept for information only. The JDK queues a
     * registration until the next selection, and that selection drops a key cancelled meanwhile
     * without telling the kernel: this cycle never reaches epoll (no epoll_ctl at all, one
     * epoll_wait), so it is no reference for a register that really registers.
     */
    @Benchmark
    public int selector(SelectorState s) throws IOException {
        SelectionKey key = s.channel.register(s.selector, SelectionKey.OP_READ);
        key.cancel();
        return s.selector.selectNow();
    }

    /**
     * The cycle in which the kernel really watches the socket for a moment, as it does after a
     * jpoll register: a selection takes the new key into epoll (ADD), the next one removes it (DEL).
     */
    @Benchmark
    public int selectorInKernel(SelectorState s) throws IOException {
        SelectionKey key = s.channel.register(s.selector, SelectionKey.OP_READ);
        int n = s.selector.selectNow();
        key.cancel();
        return n + s.selector.selectNow();
    }
}
