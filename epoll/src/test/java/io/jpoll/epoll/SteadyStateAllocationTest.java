package io.jpoll.epoll;

import io.jpoll.Events;
import io.jpoll.Interests;
import io.jpoll.Poll;
import io.jpoll.Source;
import io.jpoll.Waker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hot path allocates nothing, on the binding in use (the surefire execution {@code jna-binding}
 * runs it again forced to JNA): after warm-up, 20,000 polls that each decode 16 events (and
 * wake/poll round trips) allocate less than one object's worth per thousand polls. On FFM this
 * holds without relying on C2: the hot downcalls take primitives only (see FfmEpollNative). Counted with
 * the JVM's per-thread allocation counter, so the result does not depend on machine speed.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(60)
class SteadyStateAllocationTest {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @Test
    void pollingAllocatesNothing() throws Exception {
        List<Integer> fds = new ArrayList<>();
        try (Poll poll = Poll.open("epoll")) {
            for (int i = 0; i < 16; i++) {
                int fd = LibC.eventfd(1, EpollFlags.EFD_CLOEXEC | EpollFlags.EFD_NONBLOCK); // always readable
                fds.add(fd);
                poll.registry().register(Source.fd(fd), 1000 + i, Interests.READABLE.level());
            }
            Waker waker = poll.waker(-5);
            Events events = new Events(64);
            Duration timeout = Duration.ofSeconds(1);

            Runnable round = () -> {
                try {
                    assertEquals(16, poll.poll(events, Duration.ZERO));
                    long sum = 0;
                    for (int i = 0; i < events.size(); i++) {
                        sum += events.token(i);
                        if (!events.isReadable(i)) throw new AssertionError("not readable");
                    }
                    if (sum != 16 * 1000 + 120) throw new AssertionError("tokens " + sum);
                    waker.wake();
                    if (poll.poll(events, timeout) != 17) throw new AssertionError("wake lost: " + events.size());
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
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
            // 20,000 polls and 10,000 wakes; a single object per poll would be >= 320,000 bytes.
            assertTrue(allocated < 4096, "allocated " + allocated + " bytes over 20,000 polls (" + EpollBinding.describe() + ")");
        } finally {
            fds.forEach(LibC::close);
        }
    }

    /**
     * Arming a timer, reporting its expiry with its count, and cancelling it allocate nothing
     * either: each round sets a one-shot timer to expire at once, polls its event, re-arms it as
     * a periodic one, polls again, and cancels it.
     */
    @Test
    void timerExpiriesAllocateNothing() throws Exception {
        try (Poll poll = Poll.open("epoll")) {
            io.jpoll.Timer timer = poll.timer(-77);
            Events events = new Events(8);
            Duration timeout = Duration.ofSeconds(1);
            Duration period = Duration.ofNanos(20_000);
            Runnable round = () -> {
                try {
                    timer.set(Duration.ZERO);
                    if (poll.poll(events, timeout) != 1 || events.token(0) != -77 || events.expirations(0) != 1
                            || !events.isReadable(0)) {
                        throw new AssertionError("one-shot expiry: " + events.size() + " events");
                    }
                    timer.set(period, period);
                    if (poll.poll(events, timeout) != 1 || events.token(0) != -77 || events.expirations(0) < 1) {
                        throw new AssertionError("periodic expiry: " + events.size() + " events");
                    }
                    timer.cancel();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            };
            for (int i = 0; i < 20_000; i++) {
                round.run();
            }
            long thread = Thread.currentThread().getId();
            long before = THREADS.getThreadAllocatedBytes(thread);
            for (int i = 0; i < 10_000; i++) {
                round.run();
            }
            long allocated = THREADS.getThreadAllocatedBytes(thread) - before;
            // 20,000 expiries and 30,000 sets and cancels; an object per expiry would be >= 320,000 bytes.
            assertTrue(allocated < 4096, "allocated " + allocated + " bytes over 20,000 timer expiries ("
                    + EpollBinding.describe() + ")");
        }
    }
}
