package io.jpoll.kqueue;

import io.jpoll.Events;
import io.jpoll.Poll;
import io.jpoll.Timer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Timers on a real kqueue (libkqueue on Linux when {@code -Djpoll.kqueue.library} names it):
 * EVFILT_TIMER with the OS's unit, counts, the one-shot-then-periodic switch, cancel and re-set.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class KqueueTimerTest {
    private static final long MS = 1_000_000L;
    private final List<AutoCloseable> closeLater = new ArrayList<>();

    @BeforeAll
    static void kqueueRunsHere() {
        assumeTrue(new KqueueBackend().isSupported(), () -> "no kqueue here: " + Natives.unsupportedReason());
    }

    @AfterEach
    void close() throws Exception {
        for (int i = closeLater.size() - 1; i >= 0; i--) {
            closeLater.get(i).close();
        }
    }

    private Poll poll() throws IOException {
        Poll p = Poll.open("kqueue");
        closeLater.add(p);
        return p;
    }

    /** Polls until an event comes, at most 5 s; the number of events. */
    private static int awaitEvent(Poll poll, Events events) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (poll.poll(events, Duration.ofMillis(200)) == 0) {
            assertTrue(System.nanoTime() < deadline, "no event within 5 s");
        }
        return events.size();
    }

    @Test
    void aOneShotExpiresOnceAndNeverEarly() throws Exception {
        Poll poll = poll();
        Timer t = poll.timer(41);
        Events events = new Events(8);
        long before = System.nanoTime();
        t.set(Duration.ofMillis(60));
        assertEquals(1, awaitEvent(poll, events));
        long elapsed = System.nanoTime() - before;
        assertEquals(41L, events.token(0));
        assertTrue(events.isReadable(0));
        assertEquals(1L, events.expirations(0));
        assertTrue(elapsed >= 60 * MS, "expired after " + elapsed + " ns, asked 60 ms");
        assertEquals(0, poll.poll(events, Duration.ofMillis(150)), "a one-shot expires once: " + events);

        // Set again after its expiry: armed anew.
        t.set(Duration.ofMillis(5));
        assertEquals(1, awaitEvent(poll, events));
        assertEquals(1L, events.expirations(0));
    }

    @Test
    void subMillisecondDelaysAreNeverEarly() throws Exception {
        Poll poll = poll();
        Timer t = poll.timer(5);
        Events events = new Events(8);
        for (int i = 0; i < 20; i++) {
            long delay = 300_000 + i * 37_000L;
            long before = System.nanoTime();
            t.set(Duration.ofNanos(delay));
            assertEquals(1, awaitEvent(poll, events));
            long elapsed = System.nanoTime() - before;
            assertTrue(elapsed >= delay, "expired after " + elapsed + " ns, asked " + delay);
        }
    }

    /**
     * A period equal to the delay: expiries merge into one event whose count is their number, no
     * more than have come due since set and no fewer than were due when the poll began.
     */
    @Test
    void periodicExpiriesMergeWithTheirCount() throws Exception {
        Poll poll = poll();
        Timer t = poll.timer(9);
        Events events = new Events(8);
        long period = 10 * MS;
        long before = System.nanoTime();
        t.set(Duration.ofNanos(period), Duration.ofNanos(period));
        long armed = System.nanoTime();
        Thread.sleep(120);
        long total = 0;
        for (int i = 0; i < 3; i++) {
            long start = System.nanoTime();
            assertEquals(1, awaitEvent(poll, events));
            long end = System.nanoTime();
            assertEquals(9L, events.token(0));
            total += events.expirations(0);
            assertTrue(total <= (end - before) / period, "early: " + total + " expiries after " + (end - before) + " ns");
            assertTrue(total >= (start - armed) / period, "lost: " + total + " expiries after " + (start - armed) + " ns");
            if (i == 0) {
                assertTrue(events.expirations(0) >= 11, "merged: " + events.expirations(0));
            }
        }
        t.cancel();
        assertEquals(0, poll.poll(events, Duration.ofMillis(50)), events.toString());
    }

    /**
     * A first expiry after the delay, then one per period (the one-shot-then-periodic switch): the
     * first is not early, expiries missed while nobody polled are counted in the first event, and
     * later ones follow the period without loss.
     */
    @Test
    void aDelayOtherThanThePeriodThenThePeriod() throws Exception {
        Poll poll = poll();
        Timer t = poll.timer(3);
        Events events = new Events(8);
        long delay = 50 * MS;
        long period = 10 * MS;
        long before = System.nanoTime();
        t.set(Duration.ofNanos(delay), Duration.ofNanos(period));
        long armed = System.nanoTime();
        // Under load this poll may return later than 40 ms, with the first expiry; never before 50.
        int early = poll.poll(events, Duration.ofMillis(40));
        assertTrue(early == 0 || System.nanoTime() - before >= delay, "expired before the delay: " + events);
        long total = early == 0 ? 0 : events.expirations(0);
        Thread.sleep(70); // ~ 120 ms after set: the first expiry and ~7 periods are due
        long start = System.nanoTime();
        assertEquals(1, awaitEvent(poll, events));
        long end = System.nanoTime();
        if (early == 0) {
            // The first event counts the periods that passed while nobody polled.
            long first = events.expirations(0);
            assertTrue(first <= 1 + (end - before - delay) / period, "early: " + first);
            assertTrue(first >= 1 + (start - armed - delay) / period, "lost: " + first);
        }
        total += events.expirations(0);
        long lastStart = start;
        while (System.nanoTime() - before < 300 * MS) {
            lastStart = System.nanoTime();
            assertEquals(1, awaitEvent(poll, events));
            total += events.expirations(0);
        }
        long at = System.nanoTime();
        t.cancel();
        assertTrue(total <= 1 + (at - before - delay) / period, "early: " + total);
        // The periodic knote starts when the first expiry was polled, so its ticks are late by
        // less than one period: at most one expiry due at the last poll's start is still to come.
        long due = 1 + (lastStart - armed - delay) / period;
        assertTrue(total >= due - 1, "lost: " + total + " of " + due);
    }

    @Test
    void cancelDropsAnExpiryNotYetPolled() throws Exception {
        Poll poll = poll();
        Timer t = poll.timer(1);
        Events events = new Events(8);
        t.set(Duration.ofMillis(1));
        Thread.sleep(30); // the expiry is queued in the kqueue
        t.cancel();
        assertEquals(0, poll.poll(events, Duration.ofMillis(100)), events.toString());
        t.cancel(); // disarming a disarmed timer is allowed
    }

    @Test
    void setReplacesAndDropsAnExpiryNotYetPolled() throws Exception {
        Poll poll = poll();
        Timer t = poll.timer(2);
        Events events = new Events(8);
        t.set(Duration.ofMillis(1), Duration.ofMillis(1));
        Thread.sleep(30);
        long before = System.nanoTime();
        t.set(Duration.ofMillis(80));
        assertEquals(1, awaitEvent(poll, events));
        assertTrue(System.nanoTime() - before >= 80 * MS, "the earlier setting's expiries were dropped");
        assertEquals(1L, events.expirations(0));
    }

    /**
     * Sets and cancels while another thread polls: once cancel has returned, a poll that starts
     * afterwards reports nothing, whatever the poller took in between.
     */
    @Test
    void noStaleExpiryAfterCancelWhilePollersWait() throws Exception {
        Poll poll = poll();
        Timer t = poll.timer(77);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicLong seen = new AtomicLong();
        Thread poller = new Thread(() -> {
            Events ev = new Events(8);
            try {
                while (!stop.get()) {
                    seen.addAndGet(poll.poll(ev, Duration.ofMillis(5)));
                }
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        poller.start();
        Events events = new Events(8);
        for (int i = 0; i < 300; i++) {
            t.set(Duration.ofNanos((i % 7) * 150_000L), Duration.ofNanos((i % 3) * 200_000L));
            if (i % 5 == 0) {
                Thread.sleep(1);
            }
            t.cancel();
            if (i % 50 == 0) {
                // While the other thread keeps polling, this poll starts after the cancel returned.
                assertEquals(0, poll.poll(events, Duration.ZERO), "stale expiry after cancel: " + events);
            }
        }
        stop.set(true);
        poller.join(5000);
        assertNull(failure.get());
        assertEquals(0, poll.poll(events, Duration.ofMillis(50)), "stale expiry after cancel: " + events);
        assertTrue(seen.get() > 0, "the poller saw some expiries while the timer ran");
    }

    /** Two pollers take a periodic timer's expiries: each is reported to exactly one of them. */
    @Test
    void concurrentPollersShareEachExpiryOnce() throws Exception {
        Poll poll = poll();
        Timer t = poll.timer(12);
        long period = 2 * MS;
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong counted = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Runnable work = () -> {
            Events ev = new Events(8);
            try {
                while (!stop.get()) {
                    int n = poll.poll(ev, Duration.ofMillis(20));
                    for (int i = 0; i < n; i++) {
                        counted.addAndGet(ev.expirations(i));
                    }
                }
            } catch (Throwable e) {
                failure.set(e);
            }
        };
        Thread a = new Thread(work);
        Thread b = new Thread(work);
        long before = System.nanoTime();
        t.set(Duration.ofNanos(period), Duration.ofNanos(period));
        a.start();
        b.start();
        Thread.sleep(300);
        t.cancel();
        long after = System.nanoTime();
        stop.set(true);
        a.join(5000);
        b.join(5000);
        assertNull(failure.get());
        long max = (after - before) / period;
        assertTrue(counted.get() <= max, "more expiries than came due: " + counted.get() + " > " + max);
        assertTrue(counted.get() >= max / 2, "expiries went missing: " + counted.get() + " of " + max);
    }

    /** 10,000 armed timers: polls stay empty, no thread is added, and close releases every fd. */
    @Test
    void tenThousandArmedTimers() throws Exception {
        Map<Integer, String> fdsBefore = OpenFds.list();
        int threadsBefore = Thread.activeCount();
        Poll poll = Poll.open("kqueue");
        try {
            List<Timer> timers = new ArrayList<>();
            for (int i = 0; i < 10_000; i++) {
                Timer t = poll.timer(i);
                t.set(Duration.ofHours(1));
                timers.add(t);
            }
            Events events = new Events(64);
            assertEquals(0, poll.poll(events, Duration.ofMillis(20)), events.toString());
            assertEquals(threadsBefore, Thread.activeCount(), "no thread per timer");
            timers.get(4321).set(Duration.ofMillis(1));
            assertEquals(1, awaitEvent(poll, events));
            assertEquals(4321L, events.token(0));
        } finally {
            poll.close();
        }
        assertEquals(fdsBefore, OpenFds.list(), "descriptors left after close");
    }

    @Test
    void closedTimersAndAClosedPollAreInert() throws Exception {
        Poll poll = Poll.open("kqueue");
        Timer t = poll.timer(1);
        Timer u = poll.timer(2);
        t.set(Duration.ofMillis(1));
        t.close();
        t.set(Duration.ofMillis(1)); // inert
        t.cancel();
        Events events = new Events(8);
        assertEquals(0, poll.poll(events, Duration.ofMillis(50)), events.toString());
        u.set(Duration.ofMillis(1));
        poll.close();
        u.set(Duration.ofMillis(1)); // inert after the Poll closed
        u.cancel();
        u.close();
    }

    /** Over libkqueue there is no pollable queue descriptor; on the BSDs and macOS the kqueue fd. */
    @Test
    void descriptorIsEmptyOverLibkqueue() throws Exception {
        Poll poll = poll();
        assumeTrue(Natives.profile() == KqueueProfile.LIBKQUEUE, "a native kqueue has a descriptor");
        assertTrue(poll.descriptor().isEmpty());
    }
}
