package io.jpoll.kqueue;

import io.jpoll.Events;
import io.jpoll.Interests;
import io.jpoll.Poll;
import io.jpoll.Source;
import io.jpoll.Waker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
 * Polling and waking allocate nothing once warm: the JVM's per-thread allocation counter over
 * 20,000 polls that each decode 16 events, and 10,000 wakes, with EVFILT_USER wakers and with the
 * wake pipe. Runs where kqueue runs (libkqueue on Linux with {@code -Djpoll.kqueue.library}).
 */
@Timeout(120)
class SteadyStateAllocationTest {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private final List<Pipe> pipes = new ArrayList<>();

    @BeforeAll
    static void kqueueRunsHere() {
        assumeTrue(new KqueueBackend().isSupported(), () -> "no kqueue here: " + Natives.unsupportedReason());
    }

    @AfterEach
    void closePipes() throws IOException {
        System.clearProperty(WakeupChoice.WAKEUP_PROPERTY);
        for (Pipe p : pipes) {
            p.source().close();
            p.sink().close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"user", "pipe"})
    void pollingAndWakingAllocateNothing(String wakeup) throws Exception {
        System.setProperty(WakeupChoice.WAKEUP_PROPERTY, wakeup);
        try (Poll poll = Poll.open("kqueue")) {
            for (int i = 0; i < 16; i++) {
                Pipe p = Pipe.open();
                pipes.add(p);
                p.source().configureBlocking(false);
                p.sink().write(ByteBuffer.wrap(new byte[]{1})); // stays readable: never read
                poll.registry().register(Source.of(p.source()), 1000 + i, Interests.READABLE.level());
            }
            Waker waker = poll.waker(-5);
            Events events = new Events(64);
            Duration timeout = Duration.ofSeconds(1);

            Runnable round = () -> {
                try {
                    if (poll.poll(events, Duration.ZERO) != 16) throw new AssertionError("polled " + events);
                    long sum = 0;
                    for (int i = 0; i < events.size(); i++) {
                        sum += events.token(i);
                    }
                    if (sum != 16 * 1000 + 120) throw new AssertionError("tokens " + sum);
                    waker.wake();
                    if (poll.poll(events, timeout) != 17) throw new AssertionError("wake lost: " + events);
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
            // 20,000 polls and 10,000 wakes; one object per poll would be >= 320,000 bytes.
            assertTrue(allocated < 4096, "allocated " + allocated + " bytes over 20,000 polls");
            assertEquals(17, events.size());
        }
    }
}
