package io.jpoll.it;

import io.jpoll.ClosedPollException;
import io.jpoll.Events;
import io.jpoll.Interests;
import io.jpoll.Poll;
import io.jpoll.Source;
import io.jpoll.Timer;
import io.jpoll.Waker;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Timers on whatever backend the run uses: an expiry is one readable event with the timer's token
 * and its count; never early against System.nanoTime; merged when the program polls late; and never
 * stale once a re-set or cancel has returned.
 */
class TimerTest extends PollFixture {
    private static final long TOKEN = 0x7157_0000_0000_0042L;

    /** Polls until an event comes or {@code limit} passes; the number of events. */
    private int pollUntilEvent(Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        int n;
        do {
            n = poll.poll(events, Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
        } while (n == 0 && System.nanoTime() < deadline);
        return n;
    }

    @Test
    void aOneShotTimerFiresOnceAndNeverEarly() throws Exception {
        Timer timer = poll.timer(TOKEN);
        assertEquals(TOKEN, timer.token());
        long start = System.nanoTime();
        timer.set(Duration.ofMillis(30));
        assertEquals(1, pollUntilEvent(Duration.ofSeconds(5)));
        long elapsed = System.nanoTime() - start;
        assertTrue(elapsed >= TimeUnit.MILLISECONDS.toNanos(30), "early by " + (TimeUnit.MILLISECONDS.toNanos(30) - elapsed) + " ns");
        assertEquals(TOKEN, events.token(0));
        assertTrue(events.isReadable(0));
        assertEquals(1, events.expirations(0));
        assertEquals("Event{token=" + TOKEN + ", READABLE, expirations=1}", events.get(0).toString());
        assertEquals(0, poll.poll(events, Duration.ofMillis(60)), "a one-shot timer fires once");
        // set arms it again.
        timer.set(Duration.ZERO);
        assertEquals(1, pollUntilEvent(Duration.ofSeconds(5)));
        assertEquals(1, events.expirations(0));
    }

    /** Sub-millisecond delays, repeated: never early, each measured from just before set. */
    @Test
    void shortDelaysAreNeverEarly() throws Exception {
        Timer timer = poll.timer(TOKEN);
        for (long micros : new long[]{1, 50, 250, 900, 1500, 4000}) {
            long start = System.nanoTime();
            timer.set(Duration.ofNanos(micros * 1000));
            assertEquals(1, pollUntilEvent(Duration.ofSeconds(5)), micros + " us");
            long elapsed = System.nanoTime() - start;
            assertTrue(elapsed >= micros * 1000, micros + " us timer after " + elapsed + " ns");
            assertEquals(TOKEN, events.token(0));
        }
    }

    @Test
    void aPeriodicTimerKeepsFiringWithoutDrainingAndNeverAheadOfTime() throws Exception {
        Timer timer = poll.timer(TOKEN);
        long start = System.nanoTime();
        timer.set(Duration.ofMillis(5), Duration.ofMillis(5));
        long total = 0;
        for (int i = 0; i < 6; i++) {
            assertEquals(1, pollUntilEvent(Duration.ofSeconds(5)), "expiry " + i);
            assertEquals(TOKEN, events.token(0));
            assertTrue(events.expirations(0) >= 1);
            total += events.expirations(0);
        }
        long most = (System.nanoTime() - start) / TimeUnit.MILLISECONDS.toNanos(5);
        assertTrue(total >= 6 && total <= most, "counted " + total + " expiries, time allows " + most);
        timer.cancel();
        assertEquals(0, poll.poll(events, Duration.ofMillis(30)), "cancelled");
    }

    @Test
    void expiriesThatComeFasterThanThePollsMergeWithTheirCount() throws Exception {
        Timer timer = poll.timer(TOKEN);
        long start = System.nanoTime();
        timer.set(Duration.ofMillis(2), Duration.ofMillis(2));
        // Time itself is under test here: let about 25 periods pass unpolled.
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        while (System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(50)) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        assertEquals(1, poll.poll(events, Duration.ofSeconds(1)), "one event for all of them");
        long most = (System.nanoTime() - start) / TimeUnit.MILLISECONDS.toNanos(2);
        long count = events.expirations(0);
        assertTrue(count >= 10 && count <= most, "count " + count + ", time allows " + most);
        timer.close();
        assertEquals(0, poll.poll(events, Duration.ofMillis(20)), "closed");
    }

    /**
     * A re-set or cancel discards an expiry that is in but not reported: seen without consuming
     * it, through an outer Poll that watches this one's descriptor.
     */
    @Test
    void aReSetOrCancelDiscardsAnExpiryNotYetReported() throws Exception {
        OptionalInt fd = poll.descriptor();
        assumeTrue(fd.isPresent(), "no pollable descriptor on this backend");
        try (Poll outer = Poll.open(poll.backend())) {
            outer.registry().register(Source.fd(fd.getAsInt()), 1, Interests.READABLE.level());
            Events outerEvents = new Events(4);
            Timer timer = poll.timer(TOKEN);
            for (String how : new String[]{"re-set", "cancel", "close"}) {
                timer.set(Duration.ZERO);
                assertEquals(1, outer.poll(outerEvents, Duration.ofSeconds(5)), how + ": the expiry is in");
                switch (how) {
                    case "re-set":
                        timer.set(Duration.ofHours(1));
                        break;
                    case "cancel":
                        timer.cancel();
                        break;
                    default:
                        timer.close();
                }
                assertEquals(0, poll.poll(events, Duration.ZERO), how + " discarded it");
                assertEquals(0, outer.poll(outerEvents, Duration.ofMillis(20)), how + ": nothing left to report");
            }
            outer.registry().deregister(Source.fd(fd.getAsInt()));
        }
    }

    /**
     * Another thread sets and cancels a timer over and over while this one polls: no poll that
     * starts after the last cancel returned reports the timer, and every event stands for exactly
     * one expiry (a one-shot setting expires once; a re-set restarts the count).
     */
    @Test
    void cancelAndReSetRacesFromAnotherThreadLeaveNoStaleEvent() throws Exception {
        Timer timer = poll.timer(TOKEN);
        Waker done = poll.waker(99);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread racer = new Thread(() -> {
            try {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (int i = 0; i < 3000; i++) {
                    timer.set(Duration.ofNanos(random.nextLong(1, 200_000)));
                    if (random.nextBoolean()) {
                        timer.set(Duration.ofNanos(random.nextLong(1, 100_000))); // re-set while armed
                    }
                    long spin = System.nanoTime() + random.nextLong(0, 150_000);
                    while (System.nanoTime() < spin) {
                        Thread.onSpinWait();
                    }
                    timer.cancel();
                }
                done.wake();
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "timer-racer");
        racer.start();
        int expiries = 0;
        boolean finished = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
        while (!finished) {
            assertTrue(System.nanoTime() < deadline, "the racer never finished");
            poll.poll(events, Duration.ofSeconds(1));
            for (int i = 0; i < events.size(); i++) {
                if (events.token(i) == 99) {
                    finished = true;
                } else {
                    assertEquals(TOKEN, events.token(i));
                    assertEquals(1, events.expirations(i), "a one-shot setting counts one expiry");
                    expiries++;
                }
            }
        }
        racer.join(5000);
        assertNull(failure.get());
        // The waker was woken after the last cancel returned: from here on, nothing of the timer.
        assertEquals(0, poll.poll(events, Duration.ofMillis(50)), "stale event after the last cancel");
        assertTrue(expiries <= 3000 * 2, "more expiries than settings: " + expiries);
    }

    /**
     * Concurrent pollers, each taking one event per poll: every expiry of a timer reaches exactly one
     * of them. The timer is set again only once the previous expiry was seen, so a duplicate could
     * only come from the backend.
     */
    @Test
    void withConcurrentPollersEachExpiryReachesExactlyOne() throws Exception {
        Timer timer = poll.timer(TOKEN);
        int rounds = 300;
        AtomicLong delivered = new AtomicLong();
        AtomicLong counted = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> pollers = new ArrayList<>();
        for (int p = 0; p < 4; p++) {
            Thread t = new Thread(() -> {
                Events mine = new Events(1);
                try {
                    while (true) {
                        poll.poll(mine, Duration.ofSeconds(5));
                        for (int i = 0; i < mine.size(); i++) {
                            if (mine.token(i) == TOKEN) {
                                counted.addAndGet(mine.expirations(i));
                                synchronized (delivered) {
                                    delivered.incrementAndGet();
                                    delivered.notifyAll();
                                }
                            }
                        }
                    }
                } catch (ClosedPollException expected) {
                    // the test is over
                } catch (Throwable t2) {
                    failure.set(t2);
                }
            }, "timer-poller-" + p);
            t.start();
            pollers.add(t);
        }
        try {
            for (int round = 1; round <= rounds; round++) {
                timer.set(Duration.ofNanos(ThreadLocalRandom.current().nextLong(1, 300_000)));
                synchronized (delivered) {
                    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                    while (delivered.get() < round && System.nanoTime() < until) {
                        delivered.wait(100);
                    }
                }
                assertTrue(delivered.get() >= round, "expiry " + round + " never delivered");
            }
            // A duplicate would show within a few polls: give the pollers that long.
            assertEquals(0, poll.poll(events, Duration.ofMillis(50)), "nothing left for this thread either");
        } finally {
            poll.close();
            for (Thread t : pollers) {
                t.join(5000);
            }
        }
        assertNull(failure.get());
        assertEquals(rounds, delivered.get(), "deliveries");
        assertEquals(rounds, counted.get(), "expirations");
    }

    /**
     * Timers made and closed over and over while four threads poll them: a poller never reads a
     * descriptor that is no longer its timer's. After each close a pipe is made, which the OS
     * tends to give the closed timer's number, and 8 bytes are written to it; every pipe must
     * still hold its 8 bytes at the end.
     */
    @Test
    void closingTimersWhilePollersDrainThemNeverReadsAnotherDescriptor() throws Exception {
        int timers = 400;
        List<Pipe> pipes = new ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicLong seen = new AtomicLong();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        List<Thread> pollers = new ArrayList<>();
        for (int p = 0; p < 4; p++) {
            Thread t = new Thread(() -> {
                Events mine = new Events(16);
                try {
                    while (!stop.get()) {
                        poll.poll(mine, Duration.ofMillis(20));
                        for (int i = 0; i < mine.size(); i++) {
                            long token = mine.token(i);
                            if (token < 0 || token >= timers || mine.expirations(i) < 1 || !mine.isReadable(i)) {
                                throw new AssertionError("not a timer's expiry: " + mine.get(i));
                            }
                            seen.incrementAndGet();
                        }
                    }
                } catch (Throwable t2) {
                    failure.compareAndSet(null, t2);
                }
            }, "timer-churn-poller-" + p);
            t.start();
            pollers.add(t);
        }
        try {
            for (int i = 0; i < timers && failure.get() == null; i++) {
                Timer timer = poll.timer(i);
                timer.set(Duration.ZERO, Duration.ofNanos(20_000));
                long until = System.nanoTime() + ThreadLocalRandom.current().nextLong(20_000, 200_000);
                while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
                timer.close();
                Pipe pipe = Pipe.open();
                pipes.add(pipe);
                assertEquals(8, pipe.sink().write(ByteBuffer.wrap(new byte[8])));
            }
        } finally {
            stop.set(true);
            for (Thread t : pollers) {
                t.join(5000);
            }
        }
        try {
            assertNull(failure.get());
            assertTrue(seen.get() > 0, "no expiry was seen at all");
            for (Pipe pipe : pipes) {
                pipe.source().configureBlocking(false);
                assertEquals(8, pipe.source().read(ByteBuffer.allocate(16)), "a pipe lost its bytes");
            }
        } finally {
            for (Pipe pipe : pipes) {
                pipe.source().close();
                pipe.sink().close();
            }
        }
    }

    @Test
    void afterThePollClosesATimerIsInert() throws Exception {
        Timer timer = poll.timer(TOKEN);
        timer.set(Duration.ofMillis(1), Duration.ofMillis(1));
        poll.close();
        timer.set(Duration.ZERO); // does nothing, throws nothing
        timer.cancel();
        timer.close();
        timer.close();
        assertThrows(ClosedPollException.class, () -> poll.timer(1));
        assertThrows(ClosedPollException.class, () -> poll.descriptor());
    }

    @Test
    void aClosedTimerIsInertAndOthersGoOn() throws Exception {
        Timer closed = poll.timer(1);
        Timer open = poll.timer(2);
        closed.close();
        closed.set(Duration.ZERO);
        closed.cancel();
        open.set(Duration.ZERO);
        assertEquals(1, pollUntilEvent(Duration.ofSeconds(5)));
        assertEquals(2, events.token(0));
        assertEquals(0, poll.poll(events, Duration.ofMillis(20)));
        assertTrue(closed.toString().contains("closed"), closed.toString());
    }
}
