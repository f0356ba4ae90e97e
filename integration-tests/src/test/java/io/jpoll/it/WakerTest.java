package io.jpoll.it;

import io.jpoll.Event;
import io.jpoll.Interests;
import io.jpoll.Source;
import io.jpoll.Waker;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static io.jpoll.it.Expect.readable;
import static io.jpoll.it.Expect.writable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Wakers: an event on demand, from any thread. */
class WakerTest extends PollFixture {
    private static final long WAKER = 0xDEADBEEFCAFEBABEL;

    @Test
    @DisplayName("9. wake then poll -> only the waker's token, readable")
    void wakeThenPoll() throws Exception {
        try (Waker waker = poll.waker(WAKER)) {
            assertEquals(WAKER, waker.token());
            waker.wake();
            List<Event> seen = Await.pollOnce(poll, events, Await.ROUND, new ArrayList<>());
            assertTrue(!seen.isEmpty(), "a wake before the poll gave no event");
            for (Event e : seen) {
                assertEquals(WAKER, e.token(), () -> "only the waker may report: " + seen);
                assertTrue(e.isReadable(), e::toString);
            }
            expectNoEvents(); // the wake was consumed
        }
    }

    @Test
    @DisplayName("9. three wakes -> one to three events, all the waker's, then quiet")
    void wakesMayMerge() throws Exception {
        try (Waker waker = poll.waker(WAKER)) {
            waker.wake();
            waker.wake();
            waker.wake();
            List<Event> seen = new ArrayList<>();
            Await.pollOnce(poll, events, Await.ROUND, seen);
            assertTrue(!seen.isEmpty(), "three wakes gave no event");
            // More may follow if the backend does not merge, but never more than three.
            for (int i = 0; i < 3 && poll.poll(events, Await.QUIET) > 0; i++) {
                events.forEach(seen::add);
            }
            assertTrue(seen.size() <= 3, () -> "three wakes, more events: " + seen);
            assertTrue(seen.stream().allMatch(e -> e.token() == WAKER && e.isReadable()), seen::toString);
            expectNoEvents();
        }
    }

    @Test
    @DisplayName("9. a wake from another thread ends a poll(null) blocked in this thread")
    void wakeFromAnotherThreadEndsABlockedPoll() throws Exception {
        try (Waker waker = poll.waker(WAKER)) {
            Thread main = Thread.currentThread();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread waking = new Thread(() -> {
                try {
                    Pollers.awaitBlockedInPoll(main);
                } catch (Throwable t) {
                    failure.set(t);
                } finally {
                    waker.wake(); // always, so this thread never leaves the test blocked
                }
            }, "waking");
            waking.start();
            int n = poll.poll(events, null);
            waking.join();
            assertNull(failure.get(), () -> "the waking thread: " + failure.get());
            assertTrue(n >= 1);
            for (Event e : events) {
                assertEquals(WAKER, e.token());
                assertTrue(e.isReadable());
            }
        }
    }

    @Test
    @DisplayName("several wakers on one Poll keep their own tokens")
    void severalWakers() throws Exception {
        try (Waker low = poll.waker(Long.MIN_VALUE); Waker minusOne = poll.waker(-1); Waker idle = poll.waker(0)) {
            low.wake();
            minusOne.wake();
            List<Event> seen = expect(readable(Long.MIN_VALUE), readable(-1));
            assertTrue(seen.stream().noneMatch(e -> e.token() == idle.token()), () -> "the idle waker reported: " + seen);
        }
    }

    @Test
    @DisplayName("wakers and sources report side by side")
    void wakerBesideSources() throws Exception {
        registry.register(Source.of(udp()), 5, Interests.WRITABLE);
        try (Waker waker = poll.waker(6)) {
            waker.wake();
            expect(writable(5), readable(6));
        }
    }

    @Test
    @DisplayName("a waker may share its token with a registration: both kinds of event arrive")
    void wakerSharingARegistrationsToken() throws Exception {
        long shared = -7;
        registry.register(Source.of(udp()), shared, Interests.WRITABLE);
        try (Waker waker = poll.waker(shared)) {
            waker.wake();
            List<Event> seen = expect(writable(shared), readable(shared));
            assertTrue(seen.stream().allMatch(e -> e.token() == shared), seen::toString);
        }
    }

    @Test
    @DisplayName("a closed waker's wake() does nothing; close is idempotent")
    void closedWakerIsANoOp() throws Exception {
        Waker waker = poll.waker(WAKER);
        waker.close();
        waker.close();
        waker.wake();
        expectNoEvents();
        assertTrue(waker.toString().contains("closed"), waker.toString());
    }

    @Test
    @DisplayName("wakes from many threads at once all end up as the waker's events")
    void wakesFromManyThreads() throws Exception {
        try (Waker waker = poll.waker(WAKER)) {
            List<Thread> threads = new ArrayList<>();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            for (int t = 0; t < 4; t++) {
                Thread thread = new Thread(() -> {
                    try {
                        for (int i = 0; i < 1000; i++) {
                            waker.wake();
                        }
                    } catch (Throwable e) {
                        failure.set(e);
                    }
                }, "waker-" + t);
                threads.add(thread);
                thread.start();
            }
            for (Thread thread : threads) {
                thread.join(5000);
            }
            assertNull(failure.get(), () -> "wake threw " + failure.get());
            List<Event> seen = expect(readable(WAKER));
            assertTrue(seen.stream().allMatch(e -> e.token() == WAKER), seen::toString);
            // Drain whatever is left (a backend may not merge wakes), then it must go quiet.
            int total = seen.size();
            while (poll.poll(events, Duration.ZERO) > 0) {
                for (Event e : events) {
                    assertEquals(WAKER, e.token(), e::toString);
                }
                total += events.size();
                assertTrue(total <= 4000, "4000 wakes, more events: " + total);
            }
            expectNoEvents();
        }
    }
}
