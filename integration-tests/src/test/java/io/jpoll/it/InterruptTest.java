package io.jpoll.it;

import io.jpoll.Event;
import io.jpoll.Events;
import io.jpoll.Interests;
import io.jpoll.Source;
import io.jpoll.Waker;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.channels.Pipe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static io.jpoll.it.Expect.readable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Thread.interrupt() and poll. On every backend a poll by an interrupted thread does not block;
 * on epoll an interrupt also wakes a thread blocked in poll, and no other poller notices.
 */
class InterruptTest extends PollFixture {
    private static final long WAKE = 0x1E_0000_0000_0001L;
    private static final long PIPE = 0x1E_0000_0000_0002L;
    private static final Duration LONG = Duration.ofSeconds(30);

    /** A thread blocked in one poll, and what became of that poll. */
    private final class Poller {
        final Thread thread;
        final CountDownLatch returned = new CountDownLatch(1);
        final AtomicInteger result = new AtomicInteger(-1);
        final AtomicBoolean interruptedAfter = new AtomicBoolean();
        final AtomicReference<Throwable> thrown = new AtomicReference<>();
        final List<Long> tokens = new ArrayList<>();

        Poller(String name, Duration timeout) {
            Events own = new Events(8);
            thread = new Thread(() -> {
                try {
                    result.set(poll.poll(own, timeout));
                    interruptedAfter.set(Thread.currentThread().isInterrupted());
                    for (int i = 0; i < own.size(); i++) {
                        tokens.add(own.token(i));
                    }
                } catch (Throwable t) {
                    thrown.set(t);
                } finally {
                    returned.countDown();
                }
            }, name);
            thread.setDaemon(true);
            thread.start();
            Pollers.awaitBlockedInPoll(thread);
        }

        void assertReturnedInterrupted() throws InterruptedException {
            assertTrue(returned.await(2, TimeUnit.SECONDS), thread.getName() + " still blocked 2 s after its interrupt");
            assertNull(thrown.get());
            assertEquals(0, result.get(), () -> "nothing was ready, yet: " + tokens);
            assertTrue(interruptedAfter.get(), "the interrupt status is kept");
        }

        void assertStillBlocked() throws InterruptedException {
            assertFalse(returned.await(Await.QUIET.toMillis(), TimeUnit.MILLISECONDS),
                    () -> thread.getName() + " returned, but nothing was for it: " + result.get() + " " + tokens);
            Pollers.awaitBlockedInPoll(thread);
        }

        void assertGot(long token) throws InterruptedException {
            assertTrue(returned.await(2, TimeUnit.SECONDS), thread.getName() + " missed a real event");
            assertNull(thrown.get());
            assertEquals(List.of(token), tokens);
            assertFalse(interruptedAfter.get());
        }
    }

    @Test
    @DisplayName("a poll by an interrupted thread returns at once, like a zero-timeout poll, and keeps the status")
    void alreadyInterrupted() {
        for (Duration timeout : new Duration[]{Duration.ofSeconds(3), null}) {
            boolean[] kept = new boolean[1];
            int n = assertTimeoutPreemptively(Duration.ofSeconds(1), () -> {
                Thread.currentThread().interrupt();
                int got = poll.poll(events, timeout);
                kept[0] = Thread.interrupted();
                return got;
            }, () -> "a poll(" + timeout + ") by an interrupted thread blocked on " + poll.backend());
            assertEquals(0, n);
            assertTrue(kept[0], "the interrupt status is kept");
        }
    }

    @Test
    @DisplayName("a poll by an interrupted thread still reports what is ready")
    void alreadyInterruptedGetsReadyEvents() throws Exception {
        Pipe pipe = pipe();
        registry.register(Source.of(pipe.source()), PIPE, Interests.READABLE);
        send(pipe.sink(), "x");
        List<Event> seen = new ArrayList<>();
        assertTimeoutPreemptively(Duration.ofSeconds(3), () -> {
            Thread.currentThread().interrupt();
            try {
                // Where a Pipe is a socket pair (Windows) the byte may still be in flight: poll on.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                while (seen.isEmpty() && System.nanoTime() - deadline < 0) {
                    poll.poll(events, null);
                    events.forEach(seen::add);
                }
            } finally {
                assertTrue(Thread.interrupted());
            }
        });
        assertEquals(1, seen.size(), seen::toString);
        assertEquals(PIPE, seen.get(0).token());
        assertTrue(seen.get(0).isReadable());
    }

    @Test
    @DisplayName("epoll: an interrupt wakes a thread blocked in poll(null); another poller is not disturbed")
    void interruptWakesABlockedPoller() throws Exception {
        assumeInterruptsWake();
        Waker waker = poll.waker(WAKE);
        Poller interrupted = new Poller("interrupted", null);
        Poller bystander = new Poller("bystander", null);
        interrupted.thread.interrupt();
        interrupted.assertReturnedInterrupted();
        bystander.assertStillBlocked();
        waker.wake();
        bystander.assertGot(WAKE);
    }

    @Test
    @DisplayName("epoll: an interrupt ends a timed poll early")
    void interruptEndsATimedPoll() throws Exception {
        assumeInterruptsWake();
        long start = System.nanoTime();
        Poller p = new Poller("timed", LONG);
        p.thread.interrupt();
        p.assertReturnedInterrupted();
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));
    }

    @Test
    @DisplayName("epoll: three of four pollers interrupted at once all return; the fourth still gets its event")
    void severalInterruptedAtOnce() throws Exception {
        assumeInterruptsWake();
        Waker waker = poll.waker(WAKE);
        List<Poller> interrupted = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            interrupted.add(new Poller("interrupted-" + i, i == 0 ? LONG : null));
        }
        Poller bystander = new Poller("bystander", LONG);
        interrupted.forEach(p -> p.thread.interrupt());
        for (Poller p : interrupted) {
            p.assertReturnedInterrupted();
        }
        bystander.assertStillBlocked();
        waker.wake();
        bystander.assertGot(WAKE);
    }

    @Test
    @DisplayName("epoll: 200 interrupts of one poller leave nothing behind: a bystander and later polls see no spurious returns")
    void repeatedInterrupts() throws Exception {
        assumeInterruptsWake();
        Waker waker = poll.waker(WAKE);
        Poller bystander = new Poller("bystander", null);
        for (int round = 0; round < 200; round++) {
            Poller p = new Poller("interrupted-" + round, null);
            p.thread.interrupt();
            p.assertReturnedInterrupted();
            p.thread.join(1000);
            assertEquals(1, bystander.returned.getCount(), "the bystander returned in round " + round);
        }
        // A poll after all of that waits its full time: no interrupt signal was left raised.
        long start = System.nanoTime();
        assertEquals(0, poll.poll(events, Duration.ofMillis(100)), () -> events.toString());
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(100), "a 100 ms poll returned early");
        waker.wake();
        bystander.assertGot(WAKE);
    }

    @Test
    @DisplayName("epoll: an interrupted poller that gets events returns them; none is lost to the interrupt")
    void interruptLosesNoEvent() throws Exception {
        assumeInterruptsWake();
        Pipe pipe = pipe();
        registry.register(Source.of(pipe.source()), PIPE, Interests.READABLE);
        Poller p = new Poller("interrupted", null);
        p.thread.interrupt();
        p.assertReturnedInterrupted();
        send(pipe.sink(), "x");
        expect(readable(PIPE));
    }

    private void assumeInterruptsWake() {
        assumeTrue(poll.backend().equals("epoll"),
                "only the epoll backend wakes a blocked poll on Thread.interrupt(); " + poll.backend() + " does not");
    }
}
