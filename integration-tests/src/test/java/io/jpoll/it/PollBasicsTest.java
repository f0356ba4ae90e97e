package io.jpoll.it;

import io.jpoll.Event;
import io.jpoll.Poll;
import io.jpoll.Trigger;
import io.jpoll.Waker;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.OS;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Opening a Poll and what its timeouts mean. */
class PollBasicsTest extends PollFixture {

    @Test
    @DisplayName("1. nothing registered: poll(100 ms) returns 0 after at least 100 ms")
    void emptyPollTimesOut() throws Exception {
        long start = System.nanoTime();
        int n = poll.poll(events, Duration.ofMillis(100));
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertEquals(0, n);
        assertTrue(events.isEmpty());
        assertTrue(elapsedMillis >= 100, "returned early, after " + elapsedMillis + " ms");
        assertTrue(elapsedMillis < 1000, "a 100 ms poll took " + elapsedMillis + " ms");
    }

    @Test
    @DisplayName("sub-millisecond timeouts round up, never down")
    void subMillisecondTimeoutsRoundUp() throws Exception {
        for (long nanos : new long[] {1, 999_999, 1_500_000}) {
            long start = System.nanoTime();
            assertEquals(0, poll.poll(events, Duration.ofNanos(nanos)));
            long elapsed = System.nanoTime() - start;
            assertTrue(elapsed >= nanos, "poll(" + nanos + " ns) returned after " + elapsed + " ns");
        }
    }

    @Test
    @DisplayName("poll(Duration.ZERO) does not block, and still reports what is ready")
    void zeroTimeoutDoesNotBlock() throws Exception {
        for (int i = 0; i < 20; i++) {
            poll.poll(events, Duration.ZERO); // warm up, so JIT compilation is not timed
        }
        // A backend that rounded 0 up to one millisecond would need at least 100 ms for these.
        long start = System.nanoTime();
        for (int i = 0; i < 100; i++) {
            assertEquals(0, poll.poll(events, Duration.ZERO));
        }
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(elapsedMillis < 90, "100 polls with Duration.ZERO took " + elapsedMillis + " ms");

        long token = 0x0123_4567_89AB_CDEFL;
        try (Waker waker = poll.waker(token)) {
            waker.wake();
            assertEquals(1, poll.poll(events, Duration.ZERO), () -> "a pending wake, got " + events);
            assertEquals(token, events.token(0));
            assertTrue(events.isReadable(0));
        }
    }

    @Test
    @DisplayName("timeouts past the OS maximum wait until an event instead of failing or returning at once")
    void hugeTimeoutsWaitForAnEvent() throws Exception {
        Duration[] huge = {
            Duration.ofMillis(Integer.MAX_VALUE + 1L),   // more milliseconds than an int holds
            Duration.ofSeconds(Integer.MAX_VALUE + 1L),  // more seconds than a 32-bit time_t holds
            Duration.ofNanos(Long.MAX_VALUE),            // the longest wait in nanoseconds
            Duration.ofSeconds(Long.MAX_VALUE),          // too long for Duration.toNanos
        };
        long token = -2;
        try (Waker waker = poll.waker(token)) {
            for (Duration timeout : huge) {
                AtomicInteger result = new AtomicInteger(-1);
                AtomicReference<Throwable> failure = new AtomicReference<>();
                CountDownLatch returned = new CountDownLatch(1);
                Thread poller = new Thread(() -> {
                    try {
                        result.set(poll.poll(events, timeout));
                    } catch (Throwable t) {
                        failure.set(t);
                    } finally {
                        returned.countDown();
                    }
                }, "poller " + timeout);
                poller.start();
                Pollers.awaitBlockedInPoll(poller);
                waker.wake();
                assertTrue(returned.await(2, TimeUnit.SECONDS), "poll(" + timeout + ") did not return after a wake");
                assertNull(failure.get(), () -> "poll(" + timeout + ") threw " + failure.get());
                assertEquals(1, result.get(), () -> "poll(" + timeout + "): " + events);
                assertEquals(token, events.token(0));
                poller.join();
            }
        }
    }

    @Test
    @DisplayName("Poll.open() picks the backend jpoll.backend names, or this OS's own")
    void openPicksTheExpectedBackend() {
        String requested = System.getProperty("jpoll.backend", "").trim();
        String expected = !requested.isEmpty() ? requested
                : OS.current() == OS.LINUX ? "epoll"
                : OS.current() == OS.WINDOWS ? "iocp"
                : "kqueue";
        assertEquals(expected, poll.backend());
        assertTrue(poll.isOpen());
        assertTrue(poll.toString().contains(poll.backend()), poll.toString());
    }

    @Test
    @DisplayName("registry() is one object; the default trigger ONESHOT is offered everywhere, epoll offers all")
    void registryAndTriggers() throws Exception {
        assertSame(poll.registry(), poll.registry());
        assertTrue(poll.supports(Trigger.ONESHOT));
        if (poll.backend().equals("epoll")) {
            for (Trigger t : Trigger.values()) {
                assertTrue(poll.supports(t), "epoll supports " + t);
            }
        }
    }

    @Test
    @DisplayName("two Polls are independent: a wake on one is not an event on the other; one Events serves both")
    void pollsAreIndependent() throws Exception {
        try (Poll other = Poll.open(); Waker waker = other.waker(7)) {
            waker.wake();
            expectNoEvents();
            // The same Events serves both Polls: it belongs to the polling thread, not to a Poll.
            List<Event> seen = Await.events(other, events, Expect.readable(7));
            assertTrue(seen.stream().allMatch(e -> e.token() == 7), () -> "only the waker's token: " + seen);
        }
    }
}
