package io.jpoll.spi;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The deadline heap and when it touches the kernel timer, with a clock of the test's own: deadlines
 * are given to {@link TimerQueue#schedule} and {@code now} to {@link TimerQueue#drainDue} directly.
 */
@Timeout(30)
class TimerQueueTest {
    /** The kernel timer's settings, in order. */
    private final List<Long> arms = new ArrayList<>();
    private final TimerQueue queue = new TimerQueue(arms::add);

    @Test
    void dueTimersComeOutEarliestFirstAndNeverEarly() throws IOException {
        Random random = new Random(42);
        int n = 500;
        long[] deadlines = new long[n];
        for (int i = 0; i < n; i++) {
            deadlines[i] = 1_000 + random.nextInt(100_000);
            queue.schedule(queue.newTimer(i), deadlines[i], 0);
        }
        assertEquals(n, queue.armed());
        EventSink sink = new EventSink(n);
        long previous = Long.MIN_VALUE;
        for (long now = 0; now < 101_000 + 997; now += 997) {
            int from = sink.size();
            queue.drainDue(now, sink);
            for (int i = from; i < sink.size(); i++) {
                long d = deadlines[(int) sink.token(i)];
                assertTrue(d <= now, "token " + sink.token(i) + " due at " + d + " reported at " + now);
                assertTrue(d > now - 997, "token " + sink.token(i) + " due at " + d + " left past " + (now - 997));
                assertTrue(d >= previous, "out of order: " + d + " after " + previous);
                previous = d;
                assertEquals(EventSink.READABLE, sink.readiness(i));
                assertEquals(1, sink.count(i));
            }
        }
        assertEquals(n, sink.size());
        assertEquals(0, queue.armed());
    }

    @Test
    void onlyAnEarlierEarliestDeadlineArmsTheKernelTimer() throws IOException {
        TimerQueue.Entry a = queue.newTimer(1);
        TimerQueue.Entry b = queue.newTimer(2);
        queue.schedule(a, 100, 0);
        assertEquals(List.of(100L), arms);
        queue.schedule(b, 200, 0);
        assertEquals(List.of(100L), arms, "a later timer relies on the earlier alarm");
        queue.schedule(a, 300, 0);
        assertEquals(List.of(100L), arms, "a re-set later makes no call");
        a.cancel();
        b.cancel();
        assertEquals(List.of(100L), arms, "a cancel makes no call");
        queue.schedule(b, 150, 0);
        assertEquals(List.of(100L), arms, "150 is after what the alarm is set for");
        queue.schedule(b, 50, 0);
        assertEquals(List.of(100L, 50L), arms, "a re-set earlier than the alarm arms it");
    }

    @Test
    void aFiringWithNothingDueReArmsForTheRealEarliest() throws IOException {
        TimerQueue.Entry a = queue.newTimer(1);
        TimerQueue.Entry b = queue.newTimer(2);
        queue.schedule(a, 100, 0);
        queue.schedule(b, 200, 0);
        a.cancel(); // the earliest
        EventSink sink = new EventSink(4);
        assertEquals(0, queue.drainDue(100, sink), "the alarm for the cancelled timer reports nothing");
        assertEquals(0, sink.size());
        assertEquals(List.of(100L, 200L), arms);
        assertEquals(1, queue.drainDue(200, sink));
        assertEquals(2, sink.token(0));
        b.cancel();
        assertEquals(0, queue.drainDue(300, sink));
        assertEquals(List.of(100L, 200L), arms, "nothing left: no call");
        queue.schedule(a, 400, 0);
        assertEquals(List.of(100L, 200L, 400L), arms, "an empty queue arms for its first timer");
    }

    @Test
    void anAlarmStillToComeThatIsEarlyEnoughIsKept() throws IOException {
        TimerQueue.Entry a = queue.newTimer(1);
        TimerQueue.Entry b = queue.newTimer(2);
        queue.schedule(a, 100, 0);
        queue.schedule(b, 500, 0);
        EventSink sink = new EventSink(4);
        queue.drainDue(100, sink);
        assertEquals(List.of(100L, 500L), arms);
        // Another thread sets a timer earlier than the alarm: the kernel timer moves to 300. A
        // drain at 200 (a poller that read a firing late) must keep it: still to come, earliest.
        queue.schedule(a, 300, 0);
        assertEquals(List.of(100L, 500L, 300L), arms);
        assertEquals(0, queue.drainDue(200, sink));
        assertEquals(List.of(100L, 500L, 300L), arms, "the alarm at 300 is still to come and is the earliest");
    }

    @Test
    void aPeriodicTimerMergesMissedPeriodsIntoItsCount() throws IOException {
        TimerQueue.Entry p = queue.newTimer(9);
        queue.schedule(p, 100, 10);
        EventSink sink = new EventSink(4);
        assertEquals(0, queue.drainDue(99, sink), "never early");
        assertEquals(1, queue.drainDue(135, sink));
        assertEquals(9, sink.token(0));
        assertEquals(4, sink.count(0), "expiries at 100, 110, 120, 130");
        assertEquals(140L, arms.get(arms.size() - 1), "armed for the next period");
        sink.clear();
        assertEquals(0, queue.drainDue(139, sink));
        assertEquals(1, queue.drainDue(140, sink));
        assertEquals(1, sink.count(0));
        assertEquals(1, queue.armed(), "a periodic timer stays armed");
        p.cancel();
        assertEquals(0, queue.armed());
    }

    @Test
    void aFullSinkLeavesTheRestDueAndTheAlarmFiringAtOnce() throws IOException {
        for (int i = 0; i < 5; i++) {
            queue.schedule(queue.newTimer(i), 100 + i, 0);
        }
        EventSink sink = new EventSink(2);
        assertEquals(2, queue.drainDue(1_000, sink));
        assertEquals(0, sink.token(0));
        assertEquals(1, sink.token(1));
        assertEquals(102L, arms.get(arms.size() - 1), "armed for a deadline already past: fires at once");
        sink.clear();
        assertEquals(2, queue.drainDue(1_000, sink));
        assertEquals(2, sink.token(0));
        assertEquals(3, sink.token(1));
        sink.clear();
        assertEquals(1, queue.drainDue(1_000, sink));
        assertEquals(4, sink.token(0));
        assertEquals(0, queue.armed());
    }

    @Test
    void aTimerSetWithTheRealClockIsNotDueBeforeItsDelay() throws IOException {
        TimerQueue.Entry t = queue.newTimer(5);
        long before = System.nanoTime();
        t.set(TimeUnit.MILLISECONDS.toNanos(50), 0);
        long after = System.nanoTime();
        long armed = arms.get(0);
        assertTrue(armed >= before + TimeUnit.MILLISECONDS.toNanos(50) && armed <= after + TimeUnit.MILLISECONDS.toNanos(50),
                "deadline " + armed + " not in [" + before + ", " + after + "] + 50 ms");
        EventSink sink = new EventSink(1);
        assertEquals(0, queue.drainDue(armed - 1, sink));
        assertEquals(1, queue.drainDue(armed, sink));
        t.set(Long.MAX_VALUE, 0);
        assertEquals(1, queue.armed(), "a delay past the clock's range saturates and stays armed");
        t.close();
        assertEquals(0, queue.armed());
    }

    @Test
    void aSetWhoseAlarmFailsLeavesTheTimerDisarmed() {
        TimerQueue failing = new TimerQueue(deadline -> {
            throw new IOException("timerfd_settime: EINVAL");
        });
        TimerQueue.Entry t = failing.newTimer(3);
        IOException e = assertThrows(IOException.class, () -> failing.schedule(t, 100, 0));
        assertEquals("timerfd_settime: EINVAL", e.getMessage());
        assertEquals(0, failing.armed());
    }

    @Test
    void concurrentDrainersReportEachExpiryExactlyOnce() throws Exception {
        int timers = 20_000;
        int threads = 4;
        TimerQueue shared = new TimerQueue(deadline -> { });
        for (int i = 0; i < timers; i++) {
            shared.schedule(shared.newTimer(i), i, i % 3 == 0 ? 7 : 0);
        }
        // Periodic ones (every third) go on expiring; bound the clock so their counts are known.
        long end = timers + 1_000;
        AtomicLongArray seen = new AtomicLongArray(timers);
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> drainers = new ArrayList<>();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread thread = new Thread(() -> {
                EventSink sink = new EventSink(16);
                try {
                    start.await();
                    for (long now = 0; now <= end; now += 3) {
                        do {
                            sink.clear();
                            shared.drainDue(now, sink);
                            for (int i = 0; i < sink.size(); i++) {
                                seen.addAndGet((int) sink.token(i), sink.count(i));
                            }
                        } while (sink.size() == sink.capacity());
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            drainers.add(thread);
            thread.start();
        }
        start.countDown();
        for (Thread thread : drainers) {
            thread.join(20_000);
        }
        assertEquals(List.of(), failures);
        // A last drain at the end settles what the threads' different clocks left.
        EventSink rest = new EventSink(timers);
        shared.drainDue(end, rest);
        for (int i = 0; i < rest.size(); i++) {
            seen.addAndGet((int) rest.token(i), rest.count(i));
        }
        for (int i = 0; i < timers; i++) {
            long expected = i % 3 == 0 ? (end - i) / 7 + 1 : 1;
            assertEquals(expected, seen.get(i), "expiries of token " + i);
        }
    }
}
