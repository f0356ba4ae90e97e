package io.jpoll.bench.timer;

import io.jpoll.Events;
import io.jpoll.Interests;
import io.jpoll.Poll;
import io.jpoll.Source;
import io.jpoll.Timer;
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
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * What armed timers that do not fire cost every poll: one non-blocking poll that finds one ready
 * pipe, in a Poll with 0 or 10,000 timers armed an hour ahead. Goal: at most 1.2x with 10,000.
 * Each timer is the OS's own (a timerfd in the epoll set), so an idle one should cost a poll
 * nothing; a timer wheel or heap kept in the loop would show here.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {Jvm.NATIVE_ACCESS, Jvm.EXPORT_NIO})
@State(Scope.Thread)
public class TimerIdleBenchmark {
    private static final long READY = -1;

    /** Armed idle timers in the Poll (10,000 needs an open-file limit above that on epoll). */
    @Param({"0", "10000"})
    public int armed;

    private Poll poll;
    private Pipe pipe;
    private final Events events = new Events(16);

    @Setup(Level.Trial)
    public void setup() throws IOException {
        poll = Poll.open();
        pipe = Pipe.open();
        pipe.source().configureBlocking(false);
        pipe.sink().write(ByteBuffer.wrap(new byte[]{1})); // never read: ready on every poll
        poll.registry().register(Source.of(pipe.source()), READY, Interests.READABLE.level());
        for (int i = 0; i < armed; i++) {
            Timer t = poll.timer(i);
            t.set(TimerArmBenchmark.DELAY.plusMillis(i)); // spread out, as real deadlines are
        }
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        if (poll != null) {
            poll.close(); // releases every timer
        }
        if (pipe != null) {
            pipe.source().close();
            pipe.sink().close();
        }
    }

    @Benchmark
    public int pollOneReady() throws IOException {
        int n = poll.poll(events, Duration.ZERO);
        if (n != 1 || events.token(0) != READY) {
            throw new IllegalStateException("expected the ready pipe alone, got " + n + " events");
        }
        return n;
    }
}
