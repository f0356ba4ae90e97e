package io.jpoll.kqueue;

import io.jpoll.Events;
import io.jpoll.Interests;
import io.jpoll.Poll;
import io.jpoll.Registry;
import io.jpoll.Source;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Re-arming a ONESHOT registration allocates nothing once warm, on the binding in use (the
 * surefire execution {@code jna-binding} runs it again forced to JNA): each re-arm is one
 * kevent() with changes, the call the FFM binding makes without capturing errno. Counted with the
 * JVM's per-thread allocation counter over 160,000 re-arms and 10,000 polls.
 */
@Timeout(120)
class RearmAllocationTest {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final int SOURCES = 16;

    private final List<Pipe> pipes = new ArrayList<>();

    @BeforeAll
    static void kqueueRunsHere() {
        assumeTrue(new KqueueBackend().isSupported(), () -> "no kqueue here: " + Natives.unsupportedReason());
    }

    @AfterEach
    void closePipes() throws IOException {
        for (Pipe p : pipes) {
            p.source().close();
            p.sink().close();
        }
    }

    @Test
    void rearmingAllocatesNothing() throws Exception {
        try (Poll poll = Poll.open("kqueue")) {
            Registry registry = poll.registry();
            Source[] sources = new Source[SOURCES];
            for (int i = 0; i < SOURCES; i++) {
                Pipe p = Pipe.open();
                pipes.add(p);
                p.source().configureBlocking(false);
                p.sink().write(ByteBuffer.wrap(new byte[]{1})); // stays readable: never read
                sources[i] = Source.of(p.source());
                registry.register(sources[i], 1000 + i, Interests.READABLE);
            }
            Events events = new Events(64);
            Runnable round = () -> {
                try {
                    if (poll.poll(events, Duration.ZERO) != SOURCES) throw new AssertionError("polled " + events);
                    long sum = 0;
                    for (int i = 0; i < events.size(); i++) {
                        sum += events.token(i);
                    }
                    if (sum != SOURCES * 1000 + 120) throw new AssertionError("tokens " + sum);
                    // Fired ONESHOT registrations are disarmed: nothing until re-armed.
                    if (poll.poll(events, Duration.ZERO) != 0) throw new AssertionError("not disarmed: " + events);
                    for (int i = 0; i < SOURCES; i++) {
                        registry.reregister(sources[i], 1000 + i, Interests.READABLE);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            };
            for (int i = 0; i < 20_000; i++) {
                round.run(); // warm up: JIT, escape analysis, pooled buffers
            }
            long thread = Thread.currentThread().getId();
            long before = THREADS.getThreadAllocatedBytes(thread);
            for (int i = 0; i < 10_000; i++) {
                round.run();
            }
            long allocated = THREADS.getThreadAllocatedBytes(thread) - before;
            // 160,000 re-arms; one object per re-arm would be >= 2,560,000 bytes.
            assertTrue(allocated < 4096, "allocated " + allocated + " bytes over 160,000 re-arms ("
                    + KernelBinding.describe() + ")");
            assertEquals(0, poll.poll(events, Duration.ZERO) - SOURCES);
        }
    }
}
