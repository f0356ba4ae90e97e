package io.jpoll;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Thread interrupts and poll, over fake backends whose wait (like an OS wait) does not notice
 * Thread.interrupt(): what the API layer guarantees on every backend ("fake"), and how it wakes a
 * blocked poller on a backend that offers a nudge ("fake-nudging", like epoll).
 */
@Timeout(20)
class InterruptTest {
    @Test
    void anInterruptedThreadsPollDoesNotBlockAndKeepsTheStatus() throws Exception {
        try (Poll poll = Poll.open("fake")) {
            Events events = new Events(4);
            for (Duration timeout : new Duration[]{Duration.ofSeconds(5), null}) {
                boolean[] stillInterrupted = new boolean[1];
                int n = assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
                    Thread.currentThread().interrupt();
                    int got = poll.poll(events, timeout);
                    stillInterrupted[0] = Thread.currentThread().isInterrupted();
                    return got;
                }, "a poll with timeout " + timeout + " by an interrupted thread blocked");
                assertEquals(0, n);
                assertTrue(stillInterrupted[0], "the interrupt status is kept");
            }
        }
    }

    @Test
    void anInterruptedThreadsPollStillReportsWhatIsReady() throws Exception {
        try (Poll poll = Poll.open("fake")) {
            Events events = new Events(4);
            poll.waker(77).wake();
            int n = assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
                Thread.currentThread().interrupt();
                return poll.poll(events, null);
            });
            assertEquals(1, n);
            assertEquals(77, events.token(0));
        }
    }

    /** A thread in one poll, and what became of it. */
    private static final class Poller {
        final Thread thread;
        final Events events = new Events(4);
        final CountDownLatch returned = new CountDownLatch(1);
        final AtomicInteger result = new AtomicInteger(-1);
        final AtomicBoolean interruptedAfter = new AtomicBoolean();
        final AtomicReference<Throwable> thrown = new AtomicReference<>();

        Poller(Poll poll, FakeBackend.FakeSelector s, Duration timeout) {
            int before = s.insideSelect.get();
            thread = new Thread(() -> {
                try {
                    result.set(poll.poll(events, timeout));
                    interruptedAfter.set(Thread.currentThread().isInterrupted());
                } catch (Throwable t) {
                    thrown.set(t);
                } finally {
                    returned.countDown();
                }
            });
            thread.setDaemon(true);
            thread.start();
            while (s.insideSelect.get() <= before) {
                Thread.onSpinWait();
            }
        }

        void assertReturnedInterrupted() throws InterruptedException {
            assertTrue(returned.await(2, TimeUnit.SECONDS), "still blocked 2 s after the interrupt");
            assertNull(thrown.get());
            assertEquals(0, result.get());
            assertTrue(interruptedAfter.get(), "the interrupt status is kept");
        }

        void assertStillWaiting() throws InterruptedException {
            assertFalse(returned.await(100, TimeUnit.MILLISECONDS), "returned, but nothing was for it: " + result.get());
        }
    }

    private static FakeBackend.FakeSelector lastSelector() {
        return FakeBackend.OPENED.get(FakeBackend.OPENED.size() - 1);
    }

    @Test
    void anInterruptWakesABlockedPollerOnlyAndTheNudgeIsCleared() throws Exception {
        try (Poll poll = Poll.open("fake-nudging")) {
            FakeBackend.FakeSelector s = lastSelector();
            Waker waker = poll.waker(9);
            Poller interrupted = new Poller(poll, s, null);
            Poller bystander = new Poller(poll, s, null);
            interrupted.thread.interrupt();
            interrupted.assertReturnedInterrupted();
            bystander.assertStillWaiting();
            assertEquals(1, s.raises.get());
            assertEquals(1, s.clears.get());
            assertFalse(s.nudgeRaised());
            waker.wake();
            assertTrue(bystander.returned.await(2, TimeUnit.SECONDS));
            assertEquals(1, bystander.result.get());
            assertEquals(9, bystander.events.token(0));
        }
    }

    @Test
    void severalInterruptsRaiseOnceAndClearWhenTheLastPollerWoke() throws Exception {
        try (Poll poll = Poll.open("fake-nudging")) {
            FakeBackend.FakeSelector s = lastSelector();
            List<Poller> pollers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                pollers.add(new Poller(poll, s, i == 0 ? Duration.ofSeconds(30) : null));
            }
            // One of them is slow to run after the wake; the nudge must stay up for it.
            s.stallOnNudge = pollers.get(2).thread;
            for (Poller p : pollers) {
                p.thread.interrupt();
                p.thread.interrupt(); // twice: still counted once
            }
            pollers.get(0).assertReturnedInterrupted();
            pollers.get(1).assertReturnedInterrupted();
            assertTrue(s.nudgeRaised(), "cleared before the slow poller woke");
            s.release.countDown();
            pollers.get(2).assertReturnedInterrupted();
            assertFalse(s.nudgeRaised());
            assertEquals(s.raises.get(), s.clears.get());
        }
    }

    @Test
    void aBystanderParksWhileTheNudgeIsUpAndCloseReleasesIt() throws Exception {
        Poll poll = Poll.open("fake-nudging");
        FakeBackend.FakeSelector s = lastSelector();
        Poller slow = new Poller(poll, s, null);
        Poller bystander = new Poller(poll, s, Duration.ofSeconds(30));
        s.stallOnNudge = slow.thread;
        slow.thread.interrupt();
        bystander.assertStillWaiting();
        int selects = s.selects.get();
        bystander.assertStillWaiting();
        assertEquals(selects, s.selects.get(), "the bystander spins on the raised nudge");
        Thread closer = new Thread(poll::close);
        closer.start();
        assertTrue(bystander.returned.await(2, TimeUnit.SECONDS), "close did not release the parked bystander");
        assertEquals(0, bystander.result.get());
        s.release.countDown();
        slow.assertReturnedInterrupted();
        closer.join(2000);
        assertFalse(closer.isAlive());
        assertFalse(s.usedAfterClose);
    }

    @Test
    void aStaleWakeOfAPollerThatIsNotInterruptedIsAbsorbed() throws Exception {
        try (Poll poll = Poll.open("fake-nudging")) {
            FakeBackend.FakeSelector s = lastSelector();
            Poller p = new Poller(poll, s, null);
            // What a late interrupt hook call looks like (JDK 21+ call it after the interrupt
            // lock is released): a wake for a thread whose status was cleared meanwhile.
            p.events.interruptHook().wakeup();
            p.assertStillWaiting();
            assertEquals(1, s.raises.get());
            assertEquals(1, s.clears.get());
            poll.waker(3).wake();
            assertTrue(p.returned.await(2, TimeUnit.SECONDS));
            assertEquals(1, p.result.get());
            assertFalse(p.interruptedAfter.get());
            p.events.interruptHook().wakeup(); // after its poll: nothing to nudge
            assertEquals(1, s.raises.get());
        }
    }

    @Test
    void aTimedPollThatWasWokenForAnotherThreadStillEndsOnTime() throws Exception {
        try (Poll poll = Poll.open("fake-nudging")) {
            FakeBackend.FakeSelector s = lastSelector();
            Poller slow = new Poller(poll, s, null);
            s.stallOnNudge = slow.thread;
            long start = System.nanoTime();
            Poller timed = new Poller(poll, s, Duration.ofMillis(300));
            slow.thread.interrupt();
            assertTrue(timed.returned.await(2, TimeUnit.SECONDS));
            long took = System.nanoTime() - start;
            assertEquals(0, timed.result.get());
            assertTrue(took >= TimeUnit.MILLISECONDS.toNanos(300), "returned after " + took + " ns");
            s.release.countDown();
            slow.assertReturnedInterrupted();
        }
    }
}
