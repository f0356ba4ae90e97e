package io.jpoll.kqueue;

import io.jpoll.Events;
import io.jpoll.Interests;
import io.jpoll.Poll;
import io.jpoll.Source;
import io.jpoll.Timer;
import io.jpoll.Waker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
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

    /**
     * Timers allocate nothing once warm: arming and cancelling one (set, cancel), and polls that
     * report periodic expiries with their counts, including the one-shot-then-periodic switch.
     */
    @Test
    void armingCancellingAndExpiriesAllocateNothing() throws Exception {
        try (Poll poll = Poll.open("kqueue")) {
            Timer armed = poll.timer(1);
            Timer ticking = poll.timer(2);
            Timer switching = poll.timer(3);
            Duration hour = Duration.ofHours(1);
            Duration tick = Duration.ofNanos(200_000);
            Duration firstTick = Duration.ofNanos(300_000);
            Duration timeout = Duration.ofSeconds(1); // made once: a Duration per call is 24 bytes
            Events events = new Events(8);
            ticking.set(tick, tick);
            long[] expiries = new long[1];
            Runnable round = () -> {
                try {
                    armed.set(hour);
                    armed.cancel();
                    switching.set(firstTick, tick);
                    int n = poll.poll(events, timeout);
                    for (int i = 0; i < n; i++) {
                        expiries[0] += events.expirations(i);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            };
            for (int i = 0; i < 20_000; i++) {
                round.run(); // warm up
            }
            long thread = Thread.currentThread().getId();
            long before = THREADS.getThreadAllocatedBytes(thread);
            long expiriesBefore = expiries[0];
            for (int i = 0; i < 10_000; i++) {
                round.run();
            }
            long allocated = THREADS.getThreadAllocatedBytes(thread) - before;
            assertTrue(expiries[0] - expiriesBefore >= 10_000, "every poll reported expiries");
            // 30,000 set or cancel calls and 10,000 polls; one object each would be >= 480,000 bytes.
            assertTrue(allocated < 4096, "allocated " + allocated + " bytes over 10,000 rounds");
        }
    }
}
