package io.jpoll.it;

import io.jpoll.Event;
import io.jpoll.Events;
import io.jpoll.Waker;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A signal that interrupts the OS wait (EINTR) never surfaces: the poll goes on with the time that
 * is left. The signal is the one the JDK uses to interrupt blocking I/O, whose handler does nothing.
 */
@EnabledOnOs(value = OS.LINUX, disabledReason = "sends a real-time signal to one thread through tgkill")
class SignalTest extends PollFixture {
    private static final long WAKER = 0x5167_0000_0000_0001L;
    private int signal;

    @BeforeEach
    void findTheJdkInterruptSignal() throws Exception {
        tcpPair(); // a blocking connect and accept make sure the JDK has installed its handler
        signal = LinuxLibc.jdkInterruptSignal();
        assumeTrue(signal > 0, "the JDK's I/O interrupt signal has no handler here; sending it would kill the JVM");
    }

    /** A thread in one poll, with its kernel thread id so it can be signalled. */
    private final class SignalledPoller {
        final AtomicInteger tid = new AtomicInteger();
        final AtomicInteger result = new AtomicInteger(-1);
        final AtomicLong elapsedNanos = new AtomicLong();
        final AtomicReference<Throwable> thrown = new AtomicReference<>();
        final CountDownLatch returned = new CountDownLatch(1);
        final CountDownLatch identified = new CountDownLatch(1);
        final Thread thread;

        SignalledPoller(Events own, Duration timeout) throws InterruptedException {
            thread = new Thread(() -> {
                tid.set(LinuxLibc.gettid());
                identified.countDown();
                long start = System.nanoTime();
                try {
                    result.set(poll.poll(own, timeout));
                } catch (Throwable t) {
                    thrown.set(t);
                } finally {
                    elapsedNanos.set(System.nanoTime() - start);
                    returned.countDown();
                }
            }, "signalled-poller");
            thread.setDaemon(true);
            thread.start();
            assertTrue(identified.await(5, TimeUnit.SECONDS));
        }

        /** Signals the thread {@code times} times, each time once it is back in the wait. */
        void interruptRepeatedly(int times) {
            for (int i = 0; i < times; i++) {
                try {
                    Pollers.awaitBlockedInPoll(thread);
                } catch (AssertionError notBlocked) {
                    if (returned.getCount() == 0) {
                        fail("the poll ended after signal " + i + ": it returned " + result.get()
                                + ", threw " + thrown.get(), notBlocked);
                    }
                    throw notBlocked;
                }
                LinuxLibc.signalThread(tid.get(), signal);
            }
        }
    }

    @Test
    @DisplayName("EINTR during poll(null): no exception, no empty return; the wake that follows is reported")
    void signalsDoNotEndAnUntimedPoll() throws Exception {
        Events own = new Events(8);
        try (Waker waker = poll.waker(WAKER)) {
            SignalledPoller poller = new SignalledPoller(own, null);
            poller.interruptRepeatedly(10);
            Pollers.awaitBlockedInPoll(poller.thread);
            waker.wake();
            assertTrue(poller.returned.await(2, TimeUnit.SECONDS), "the wake did not end the poll");
            assertNull(poller.thrown.get(), () -> "poll threw " + poller.thrown.get());
            assertTrue(poller.result.get() >= 1, () -> "poll(null) returned empty: " + own);
            for (Event e : own) {
                assertEquals(WAKER, e.token(), own::toString);
            }
        }
    }

    @Test
    @DisplayName("EINTR during poll(400 ms): it still waits the full 400 ms and returns 0")
    void signalsDoNotShortenATimedPoll() throws Exception {
        Events own = new Events(8);
        SignalledPoller poller = new SignalledPoller(own, Duration.ofMillis(400));
        poller.interruptRepeatedly(5);
        assertTrue(poller.returned.await(3, TimeUnit.SECONDS), "poll(400 ms) did not return");
        assertNull(poller.thrown.get(), () -> "poll threw " + poller.thrown.get());
        assertEquals(0, poller.result.get(), own::toString);
        long millis = TimeUnit.NANOSECONDS.toMillis(poller.elapsedNanos.get());
        assertTrue(millis >= 400, "returned after " + millis + " ms");
    }
}
