package io.jpoll.iocp;

import io.jpoll.NativeException;
import io.jpoll.spi.EventSink;
import io.jpoll.spi.TimerHandle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Timers on the completion port, driven through {@link FakeAfdPort} and {@link FakeWaitPort} with
 * the fake's clock. Logic tests: they show what the selector asks of the kernel and how it reads
 * the packets, not that Windows answers so.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class IocpTimerTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long WAIT = TimeUnit.SECONDS.toNanos(5);
    private static final int R = EventSink.READABLE;

    private FakeAfdPort afd;
    private FakeWaitPort os;
    private IocpSelector selector;
    private boolean closed;

    @BeforeEach
    void open() {
        afd = new FakeAfdPort();
        os = afd.waitPort();
        selector = new IocpSelector(afd);
    }

    @AfterEach
    void close() {
        if (!closed) {
            selector.close();
        }
        assertEquals(0, os.openHandles(), "handles left open");
        assertEquals(List.of(), os.violations());
        assertEquals(List.of(), afd.violations());
    }

    private EventSink poll(long timeoutNanos) throws Exception {
        EventSink sink = new EventSink(16);
        selector.select(sink, timeoutNanos);
        return sink;
    }

    private static void assertExpiry(EventSink sink, long token, long count) {
        assertEquals(1, sink.size(), "events");
        assertEquals(token, sink.token(0));
        assertEquals(R, sink.readiness(0), "readiness bits");
        assertEquals(count, sink.count(0), "expirations");
    }

    @Test
    void oneShotExpiresOnceAtItsDueTime() throws Exception {
        TimerHandle t = selector.newTimer(7);
        t.set(5 * MS, 0);
        assertEquals(0, poll(0).size());
        os.advance(5 * MS - 100);
        assertEquals(0, poll(0).size(), "100 ns early");
        os.advance(100);
        assertExpiry(poll(WAIT), 7, 1);
        os.advance(1000 * MS);
        assertEquals(0, poll(0).size(), "a one-shot timer is disarmed by its expiry");
        assertEquals(1, os.associations());

        t.set(MS, 0);
        os.advance(MS);
        assertExpiry(poll(WAIT), 7, 1);
    }

    @Test
    void dueTimeRoundsUpToTheTimersHundredNanosecondUnit() {
        assertEquals(-1, WindowsWaitPort.dueTime(0));
        assertEquals(-1, WindowsWaitPort.dueTime(1));
        assertEquals(-1, WindowsWaitPort.dueTime(100));
        assertEquals(-2, WindowsWaitPort.dueTime(101));
        assertEquals(-10_000, WindowsWaitPort.dueTime(MS));
        assertEquals(-(Long.MAX_VALUE / 2 / 100 + 1), WindowsWaitPort.dueTime(IocpTimer.MAX_NANOS));
    }

    @Test
    void periodicReassociatesAfterEachReportAndCountsMergedExpiries() throws Exception {
        TimerHandle t = selector.newTimer(-3L);
        t.set(MS, 2 * MS);
        os.advance(MS);
        assertExpiry(poll(WAIT), -3L, 1);
        assertEquals(2, os.associations(), "associated again after the report");

        // Due at 3, 5 and 7 ms; nobody polled: one event for the three.
        os.advance(6 * MS + MS / 2);
        assertExpiry(poll(WAIT), -3L, 3);
        os.advance(MS / 2);
        assertEquals(0, poll(0).size(), "the next due time is 9 ms, not 8 ms after the late report");
        os.advance(MS);
        assertExpiry(poll(WAIT), -3L, 1);
    }

    @Test
    void aKernelTimerThatFiresBeforeTheClockSaysIsArmedAgainWithoutAnEvent() throws Exception {
        IocpTimer t = (IocpTimer) selector.newTimer(9);
        t.set(10 * MS, 0);
        os.advance(9 * MS);
        os.fireEarly(t.timerHandle());
        assertEquals(0, poll(0).size(), "never earlier than System.nanoTime says");
        os.advance(MS - 1);
        assertEquals(0, poll(0).size());
        os.advance(1);
        assertExpiry(poll(WAIT), 9, 1);
    }

    @Test
    void cancelTakesBackAQueuedExpiry() throws Exception {
        TimerHandle t = selector.newTimer(4);
        t.set(MS, 0);
        os.advance(MS);
        assertEquals(1, afd.queued());
        t.cancel();
        assertEquals(0, afd.queued(), "NtCancelWaitCompletionPacket took the packet back");
        assertEquals(0, poll(0).size());
    }

    @Test
    void aSetWhileTheKernelStillDeliversUsesANewPacketAndTheOldExpiryIsNotReported() throws Exception {
        IocpTimer t = (IocpTimer) selector.newTimer(4);
        t.set(MS, 0);
        os.advance(MS);
        long first = t.packetHandle();
        os.pendNextCancel();
        t.set(10 * MS, 0);
        long second = t.packetHandle();
        assertNotEquals(first, second, "a packet that may still deliver cannot be associated again");
        assertFalse(os.isOpen(first), "the old packet is closed");
        assertEquals(1, afd.queued(), "its record is still queued");
        assertEquals(0, poll(0).size(), "the record of the earlier setting yields nothing");
        os.advance(10 * MS);
        assertExpiry(poll(WAIT), 4, 1);
    }

    @Test
    void aRecordDequeuedBeforeACancelIsNotReportedAfterIt() throws Exception {
        TimerHandle t = selector.newTimer(11);
        t.set(MS, 0);
        os.advance(MS);
        // The poller has the record in hand and has not yet taken the selector's lock when
        // another thread cancels.
        afd.afterNextDequeue(() -> {
            try {
                t.cancel();
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
        assertEquals(0, poll(0).size());
        os.advance(1000 * MS);
        assertEquals(0, poll(0).size());
    }

    @Test
    void aRecordDequeuedBeforeASetIsNotReportedAndTheNewSettingIs() throws Exception {
        TimerHandle t = selector.newTimer(12);
        t.set(MS, 0);
        os.advance(MS);
        afd.afterNextDequeue(() -> {
            try {
                t.set(50 * MS, 0);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
        assertEquals(0, poll(0).size(), "the expiry of the earlier setting");
        os.advance(50 * MS - 1);
        assertEquals(0, poll(0).size());
        os.advance(1);
        assertExpiry(poll(WAIT), 12, 1);
    }

    @Test
    void resetWhileArmedReplacesTheDueTime() throws Exception {
        TimerHandle t = selector.newTimer(13);
        t.set(5 * MS, 0);
        os.advance(4 * MS);
        t.set(5 * MS, 0);
        os.advance(MS);
        assertEquals(0, poll(0).size(), "the first due time is gone");
        os.advance(4 * MS);
        assertExpiry(poll(WAIT), 13, 1);
    }

    @Test
    void cancelAndSetFromAnotherThreadWhilePollersWait() throws Exception {
        TimerHandle t = selector.newTimer(21);
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger events = new AtomicInteger();
        List<String> wrong = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> pollers = new ArrayList<>();
            for (int p = 0; p < 2; p++) {
                pollers.add(pool.submit(() -> {
                    EventSink sink = new EventSink(16);
                    while (!done.get()) {
                        sink.clear();
                        selector.select(sink, 20 * MS);
                        for (int i = 0; i < sink.size(); i++) {
                            events.incrementAndGet();
                            if (sink.token(i) != 21 || sink.readiness(i) != R || sink.count(i) != 1) {
                                synchronized (wrong) {
                                    wrong.add(sink.token(i) + "/" + sink.readiness(i) + "/" + sink.count(i));
                                }
                            }
                        }
                    }
                    return null;
                }));
            }
            for (int i = 0; i < 500; i++) {
                t.set(MS, 0);
                os.advance(MS);
                if (i % 2 == 0) {
                    t.cancel();
                } else {
                    t.set(1000 * MS, 0);
                }
            }
            t.cancel();
            done.set(true);
            for (Future<?> f : pollers) {
                f.get(10, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(List.of(), wrong);
        assertTrue(events.get() <= 500, events + " events for 500 expiries");
        assertEquals(0, poll(0).size(), "nothing after the last cancel returned");
        assertEquals(0, selector.waitsArmed());
    }

    @Test
    void withConcurrentPollersEachExpiryGoesToExactlyOne() throws Exception {
        TimerHandle t = selector.newTimer(23);
        t.set(MS, MS);
        AtomicBoolean done = new AtomicBoolean();
        Semaphore delivered = new Semaphore(0);
        AtomicInteger expiries = new AtomicInteger();
        List<String> wrong = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<?>> pollers = new ArrayList<>();
            for (int p = 0; p < 3; p++) {
                pollers.add(pool.submit(() -> {
                    EventSink sink = new EventSink(16);
                    while (!done.get()) {
                        sink.clear();
                        selector.select(sink, 20 * MS);
                        for (int i = 0; i < sink.size(); i++) {
                            if (sink.token(i) != 23 || sink.readiness(i) != R) {
                                synchronized (wrong) {
                                    wrong.add(sink.token(i) + "/" + sink.readiness(i));
                                }
                            }
                            expiries.addAndGet((int) sink.count(i));
                            delivered.release();
                        }
                    }
                    return null;
                }));
            }
            for (int i = 1; i <= 300; i++) {
                os.advance(MS);
                assertTrue(delivered.tryAcquire(5, TimeUnit.SECONDS), "expiry " + i + " was not delivered");
            }
            t.cancel();
            done.set(true);
            for (Future<?> f : pollers) {
                f.get(10, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(List.of(), wrong);
        assertEquals(300, expiries.get(), "every expiry counted once, by one poller");
        assertEquals(0, delivered.availablePermits(), "no expiry was delivered twice");
    }

    @Test
    void tenThousandArmedTimersAndCloseReleasesEveryHandleOnce() throws Exception {
        List<TimerHandle> timers = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            TimerHandle t = selector.newTimer(i);
            t.set((i + 1) * MS, 0);
            timers.add(t);
        }
        assertEquals(20_000, os.openHandles(), "a timer and a packet each");
        os.advance(3 * MS);
        EventSink sink = poll(WAIT);
        assertEquals(3, sink.size());
        timers.get(5).close();
        timers.get(5).close();
        assertEquals(19_998, os.openHandles());
        selector.close();
        closed = true;
        assertEquals(0, os.openHandles());
        assertEquals(20_000, os.closed());
        assertTrue(os.portClosed());
    }

    @Test
    void osFailuresNameTheCallTheHandleAndTheToken() throws Exception {
        os.failCreateTimer(WinErrors.ERROR_INVALID_HANDLE);
        NativeException e = assertThrows(NativeException.class, () -> selector.newTimer(31));
        assertEquals("CreateWaitableTimerExW timer token=31: ERROR_INVALID_HANDLE (The handle is invalid)", e.getMessage());
        os.failCreateTimer(0);

        IocpTimer t = (IocpTimer) selector.newTimer(32);
        os.failSetTimer(WinErrors.ERROR_INVALID_HANDLE);
        e = assertThrows(NativeException.class, () -> t.set(MS, 0));
        assertEquals("SetWaitableTimer handle=" + t.timerHandle() + " timer token=32: ERROR_INVALID_HANDLE (The handle is invalid)",
                e.getMessage());
        os.failSetTimer(0);

        os.failAssociate(FakeWaitPort.STATUS_INVALID_PARAMETER);
        e = assertThrows(NativeException.class, () -> t.set(MS, 0));
        assertEquals("NtAssociateWaitCompletionPacket handle=" + t.packetHandle()
                + " timer token=32: STATUS_INVALID_PARAMETER (An invalid parameter was passed to a service or function)",
                e.getMessage());
        os.failAssociate(0);
        os.advance(MS);
        assertEquals(0, poll(0).size(), "a failed set leaves the timer disarmed");
        t.set(MS, 0);
        os.advance(MS);
        assertExpiry(poll(WAIT), 32, 1);
    }

    @Test
    void aPeriodicTimerThatCannotBeArmedAgainSaysSoInItsLastEvent() throws Exception {
        TimerHandle t = selector.newTimer(33);
        t.set(MS, MS);
        os.advance(MS);
        os.failSetTimer(WinErrors.ERROR_INVALID_HANDLE);
        EventSink sink = poll(WAIT);
        assertEquals(1, sink.size());
        assertEquals(R | EventSink.ERROR, sink.readiness(0));
        assertEquals(1, sink.count(0));
        os.failSetTimer(0);
        os.advance(10 * MS);
        assertEquals(0, poll(0).size(), "disarmed until set again");
    }

    @Test
    void withoutWaitCompletionPacketsTimersAreRefusedWithTheReason() {
        os.unavailable("needs Windows 8");
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> selector.newTimer(1));
        assertEquals("Poll.timer token=1: needs Windows 8", e.getMessage());
    }

    @Test
    void thereIsNoDescriptorToNest() {
        assertTrue(selector.descriptor().isEmpty());
    }
}
