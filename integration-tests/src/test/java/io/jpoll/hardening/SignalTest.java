package io.jpoll.hardening;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.jpoll.Events;
import io.jpoll.Poll;
import io.jpoll.Waker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Signals aimed at a thread blocked in {@code poll}: a SIGURG handler is installed with
 * sigaction (without SA_RESTART) and {@code pthread_kill} fires it at the polling thread every
 * few milliseconds. The wait must neither throw nor return early: a timed poll lasts at least its
 * timeout (only that lower bound is asserted), an untimed one returns only with the real event.
 *
 * <p>The handler is libc's {@code getpid}: a native function that ignores its argument and is
 * async-signal-safe. A Java callback would run JVM code inside a signal handler, which is not.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(30)
class SignalTest {
    private static final long SIGNAL_EVERY_NANOS = 2_000_000;
    private static Memory oldAction;

    @BeforeAll
    static void installHandler() {
        assumeTrue(LinuxC.SUPPORTED, "needs a 64-bit Linux with the generic syscall numbers (not alpha, mips64, sparc64, parisc, ia64) for the sigaction layout");
        try (Memory action = new Memory(LinuxC.SIGACTION_SIZE)) {
            action.clear();
            action.setLong(0, LinuxC.functionAddress("getpid"));
            action.setInt(LinuxC.SIGACTION_FLAGS_OFFSET, 0); // no SA_RESTART: blocking calls see EINTR
            oldAction = new Memory(LinuxC.SIGACTION_SIZE);
            int rc = LinuxC.sigaction(LinuxC.SIGURG, Pointer.nativeValue(action), Pointer.nativeValue(oldAction));
            assertEquals(0, rc, () -> "sigaction(SIGURG): errno " + Native.getLastError());
        }
    }

    @AfterAll
    static void restoreHandler() {
        if (oldAction != null) {
            LinuxC.sigaction(LinuxC.SIGURG, Pointer.nativeValue(oldAction), 0);
            oldAction.close();
        }
    }

    /** Control: the same signals do interrupt a plain blocking call, so the tests below are real. */
    @Test
    void theSignalInterruptsABlockingSyscall() throws Exception {
        Outcome o = underFire(() -> {
            int rc = LinuxC.poll(0, 0, 10_000);
            return new long[]{rc, Native.getLastError()};
        });
        assertNull(o.failure);
        assertEquals(-1, o.value[0], "poll(2) with no fds was not interrupted");
        assertEquals(LinuxC.EINTR, o.value[1], "errno of the interrupted poll(2)");
        assertTrue(o.millis < 10_000);
    }

    /** Timed polls, with the nanosecond (epoll_pwait2) and the millisecond (epoll_wait) wait. */
    @ParameterizedTest
    @ValueSource(strings = {"true", "false"})
    void aTimedPollNeitherThrowsNorReturnsEarly(String pwait2) throws Exception {
        System.setProperty("jpoll.epoll.pwait2", pwait2);
        try (Poll poll = Poll.open()) {
            Events events = new Events(4);
            long timeoutMillis = 400;
            Outcome o = underFire(() -> new long[]{poll.poll(events, Duration.ofMillis(timeoutMillis))});
            System.out.println("[hardening] signals (pwait2=" + pwait2 + "): " + o.signals + " SIGURG during a "
                    + timeoutMillis + " ms poll that took " + o.millis + " ms");
            assertNull(o.failure, () -> "poll threw under signals: " + o.failure);
            assertEquals(0, o.value[0], () -> "events from nowhere: " + events);
            assertTrue(o.millis >= timeoutMillis, () -> "a " + timeoutMillis + " ms poll returned after " + o.millis + " ms");
            assertTrue(o.signals >= 10, () -> "only " + o.signals + " signals were sent");
        } finally {
            System.clearProperty("jpoll.epoll.pwait2");
        }
    }

    /** An untimed poll never returns empty because of a signal: only the wake ends it. */
    @Test
    void anUntimedPollReturnsOnlyWithTheRealEvent() throws Exception {
        try (Poll poll = Poll.open(); Waker waker = poll.waker(77)) {
            Events events = new Events(4);
            Outcome o = underFire(() -> new long[]{poll.poll(events, null)}, 100, waker);
            assertNull(o.failure, () -> "poll threw under signals: " + o.failure);
            assertEquals(1, o.value[0], () -> "poll(null) returned " + events + " after " + o.signals + " signals");
            assertEquals(77, events.token(0));
            assertTrue(events.isReadable(0));
        }
    }

    /** What the target thread's call returned, how long it took, and how many signals hit it. */
    private static final class Outcome {
        long[] value;
        Throwable failure;
        long millis;
        int signals;
    }

    @FunctionalInterface
    private interface Call {
        long[] call() throws Exception;
    }

    private static Outcome underFire(Call call) throws Exception {
        return underFire(call, Integer.MAX_VALUE, null);
    }

    /**
     * Runs {@code call} on a new thread and signals that thread until the call returns; after
     * {@code wakeAfter} signals, wakes {@code waker}. The thread stays alive until the signalling
     * stops, because pthread_kill on a finished thread is undefined behaviour.
     */
    private static Outcome underFire(Call call, int wakeAfter, Waker waker) throws Exception {
        Outcome o = new Outcome();
        AtomicReference<Long> tid = new AtomicReference<>();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch returned = new CountDownLatch(1);
        CountDownLatch ceaseFire = new CountDownLatch(1);
        Thread target = new Thread(() -> {
            tid.set(LinuxC.pthread_self());
            started.countDown();
            long start = System.nanoTime();
            try {
                o.value = call.call();
            } catch (Throwable e) {
                o.failure = e;
            }
            o.millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            returned.countDown();
            try {
                ceaseFire.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "signal-target");
        target.start();
        try {
            assertTrue(started.await(10, TimeUnit.SECONDS));
            while (!returned.await(SIGNAL_EVERY_NANOS, TimeUnit.NANOSECONDS)) {
                assertEquals(0, LinuxC.pthread_kill(tid.get(), LinuxC.SIGURG), "pthread_kill");
                if (++o.signals == wakeAfter) {
                    waker.wake();
                }
                if (o.signals > 100_000) {
                    break; // the per-test timeout reports the hang
                }
            }
        } finally {
            ceaseFire.countDown();
            target.join(TimeUnit.SECONDS.toMillis(10));
        }
        return o;
    }
}
