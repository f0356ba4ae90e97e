package io.jpoll.epoll;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import io.jpoll.Interests;
import io.jpoll.spi.EventSink;
import io.jpoll.spi.Platform;
import io.jpoll.spi.TimerHandle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Timers at the selector, on both bindings: the timerfd calls themselves, the decoding of the
 * inner set's record (a user registration with the same token as a timer stays a plain event),
 * the merged count, the discard on re-set and cancel, and the one timerfd behind every timer.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(30)
class EpollTimerTest {
    private static final long MS = 1_000_000L;
    private static final int EAGAIN = 11;

    private static EpollSelector selector(EpollNative calls) throws Exception {
        return new EpollSelector(EpollEventLayout.forArch(Platform.arch()), false, calls);
    }

    @Test
    void bothBindingsCreateAndSetTimerfdsAndReturnMinusErrno() {
        for (EpollNative calls : EpollBindingTest.bindings()) {
            int fd = calls.timerfdCreate(EpollFlags.CLOCK_MONOTONIC, EpollFlags.TFD_CLOEXEC | EpollFlags.TFD_NONBLOCK);
            assertTrue(fd >= 0, calls.name() + ": " + fd);
            try (Memory spec = new Memory(32); Memory count = new Memory(8)) {
                spec.clear();
                spec.setLong(24, 1); // it_value 1 ns
                assertEquals(0, calls.timerfdSettime(fd, 0, Pointer.nativeValue(spec), 0), calls.name());
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                long got;
                while ((got = calls.read(fd, Pointer.nativeValue(count), 8)) == -EAGAIN) {
                    assertTrue(System.nanoTime() < deadline, calls.name() + ": a 1 ns timer never expired");
                    Thread.onSpinWait();
                }
                assertEquals(8, got, calls.name());
                assertEquals(1, count.getLong(0), calls.name());
                assertEquals(-9, calls.timerfdSettime(-1, 0, Pointer.nativeValue(spec), 0), calls.name() + ": EBADF");
                spec.setLong(24, 1_000_000_000L); // tv_nsec out of range, checked before the fd
                assertEquals(-22, calls.timerfdSettime(fd, 0, Pointer.nativeValue(spec), 0), calls.name() + ": EINVAL");
            } finally {
                assertEquals(0, calls.close(fd), calls.name());
            }
            assertEquals(-22, calls.timerfdCreate(12345, 0), calls.name() + ": EINVAL for an unknown clock");
        }
    }

    @Test
    void anExpiryIsTheTimersTokenReadableWithItsCountAndAUserFdWithTheSameTokenStaysPlain() throws Exception {
        for (EpollNative calls : EpollBindingTest.bindings()) {
            int efd = LibC.eventfd(1, EpollFlags.EFD_CLOEXEC | EpollFlags.EFD_NONBLOCK);
            try (SelectorUnderTest s = new SelectorUnderTest(selector(calls))) {
                s.selector.register(efd, 7, Interests.READABLE.level());
                TimerHandle timer = s.selector.newTimer(7);
                long before = System.nanoTime();
                timer.set(2 * MS, 2 * MS);
                // Let several periods pass without a select: they must merge into one event.
                long until = System.nanoTime() + 30 * MS;
                while (System.nanoTime() < until) {
                    Thread.sleep(5);
                }
                EventSink sink = new EventSink(8);
                s.selector.select(sink, 0);
                long most = (System.nanoTime() - before) / (2 * MS); // never early: no more than this
                assertEquals(2, sink.size(), calls.name() + ": the eventfd and the timer");
                long timerCount = 0;
                int plain = 0;
                for (int i = 0; i < sink.size(); i++) {
                    assertEquals(7, sink.token(i));
                    assertEquals(EventSink.READABLE, sink.readiness(i), calls.name());
                    if (sink.count(i) == 0) {
                        plain++;
                    } else {
                        timerCount = sink.count(i);
                    }
                }
                assertEquals(1, plain, calls.name());
                // At least 30 ms at a 2 ms period: surely more than 2, and never more than time allows.
                assertTrue(timerCount >= 3 && timerCount <= most, calls.name() + ": count " + timerCount + ", at most " + most);
                timer.cancel();
                sink.clear();
                s.selector.select(sink, 20 * MS);
                assertEquals(1, sink.size(), calls.name() + ": only the level-triggered eventfd after cancel");
                assertEquals(0, sink.count(0));
                timer.close();
            } finally {
                LibC.close(efd);
            }
        }
    }

    @Test
    void aReSetDiscardsExpiriesNotYetReported() throws Exception {
        for (EpollNative calls : EpollBindingTest.bindings()) {
            try (SelectorUnderTest s = new SelectorUnderTest(selector(calls))) {
                TimerHandle timer = s.selector.newTimer(3);
                timer.set(1, 0);
                // Wait, without consuming it, until the expiry is in: the selector's fd turns readable.
                awaitReadable(s.selector.descriptor().getAsInt());
                timer.set(TimeUnit.HOURS.toNanos(1), 0);
                EventSink sink = new EventSink(4);
                s.selector.select(sink, 0);
                assertEquals(0, sink.size(), calls.name() + ": the expiry before the re-set is gone");
                timer.set(1, 0);
                awaitReadable(s.selector.descriptor().getAsInt());
                timer.cancel();
                s.selector.select(sink, 0);
                assertEquals(0, sink.size(), calls.name() + ": the expiry before the cancel is gone");
                timer.close();
            }
        }
    }

    /**
     * A Poll has one timerfd, made at its first timer, however many timers it has; setting timers
     * later than the armed one and cancelling make no timerfd_settime.
     */
    @Test
    void manyTimersShareOneTimerfdAndOnlyAnEarlierDeadlineMakesASyscall() throws Exception {
        AtomicInteger creates = new AtomicInteger();
        AtomicInteger settimes = new AtomicInteger();
        EpollNative counting = proxy(EpollBinding.NATIVE, (method, args, result) -> {
            if (method.equals("timerfdCreate")) {
                creates.incrementAndGet();
            } else if (method.equals("timerfdSettime")) {
                settimes.incrementAndGet();
                assertEquals(EpollFlags.TFD_TIMER_ABSTIME, args[1], "armed at an absolute CLOCK_MONOTONIC time");
            }
        });
        try (SelectorUnderTest s = new SelectorUnderTest(selector(counting))) {
            TimerHandle[] timers = new TimerHandle[100];
            for (int i = 0; i < timers.length; i++) {
                timers[i] = s.selector.newTimer(i);
            }
            assertEquals(1, creates.get(), "one timerfd for the Poll");
            timers[0].set(TimeUnit.SECONDS.toNanos(10), 0);
            for (int i = 1; i < timers.length; i++) {
                timers[i].set(TimeUnit.SECONDS.toNanos(20) + i, 0);
            }
            for (TimerHandle t : timers) {
                t.cancel();
            }
            assertEquals(1, settimes.get(), "only the first set armed the kernel timer");
            timers[7].set(MS, 0);
            assertEquals(2, settimes.get(), "a set earlier than the armed deadline re-arms it");
            EventSink sink = new EventSink(4);
            s.selector.select(sink, TimeUnit.SECONDS.toNanos(5));
            assertEquals(1, sink.size());
            assertEquals(7, sink.token(0));
            assertEquals(1, sink.count(0));
            for (TimerHandle t : timers) {
                t.close();
            }
        }
    }

    /**
     * A poller has consumed the timerfd's firing and not yet drained the queue when another thread
     * closes the timer: the close does not wait (the timer owns no fd), the expiry is not
     * reported (the timer left the heap first), the poll waits on instead of returning empty
     * early, and the Poll's timerfd still serves the next timer.
     */
    @Test
    void aTimerClosedWhileAPollerHoldsTheFiringIsNotReported() throws Exception {
        AtomicInteger timerfd = new AtomicInteger(-1);
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        EpollNative pausing = proxy(EpollBinding.NATIVE, (method, args, result) -> {
            if (method.equals("timerfdCreate")) {
                timerfd.set((Integer) result);
            } else if (method.equals("read") && (Integer) args[0] == timerfd.get() && (Long) result == 8
                    && holding.getCount() > 0) {
                holding.countDown();
                assertTrue(release.await(10, TimeUnit.SECONDS));
            }
        });
        try (SelectorUnderTest s = new SelectorUnderTest(selector(pausing))) {
            TimerHandle timer = s.selector.newTimer(5);
            timer.set(1, 0);
            EventSink sink = new EventSink(4);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            long[] waited = new long[1];
            Thread poller = new Thread(() -> {
                try {
                    long start = System.nanoTime();
                    s.selector.select(sink, 300 * MS);
                    waited[0] = System.nanoTime() - start;
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, "holding-poller");
            poller.start();
            assertTrue(holding.await(5, TimeUnit.SECONDS), "the poller never read the timerfd");
            Thread closer = new Thread(timer::close, "closer");
            closer.start();
            closer.join(5000);
            assertTrue(!closer.isAlive(), "the close waited for the poller");
            release.countDown();
            poller.join(5000);
            assertNull(failure.get());
            assertEquals(0, sink.size(), "the closed timer's expiry");
            assertTrue(waited[0] >= 300 * MS, "returned empty after " + waited[0] + " ns of a 300 ms poll");
            TimerHandle next = s.selector.newTimer(6);
            next.set(1, 0);
            s.selector.select(sink, TimeUnit.SECONDS.toNanos(5));
            assertEquals(1, sink.size());
            assertEquals(6, sink.token(0));
            next.close();
        }
    }

    interface Observer {
        void call(String method, Object[] args, Object result) throws Exception;
    }

    /** The binding, with {@code observer} told of each call after it returned. */
    static EpollNative proxy(EpollNative real, Observer observer) {
        return (EpollNative) Proxy.newProxyInstance(EpollNative.class.getClassLoader(),
                new Class<?>[]{EpollNative.class}, (p, method, args) -> {
                    Object result;
                    try {
                        result = method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    observer.call(method.getName(), args, result);
                    return result;
                });
    }

    /** Waits until {@code epfd} is readable, with an epoll set of its own, consuming nothing. */
    static void awaitReadable(int epfd) throws Exception {
        int watcher = LibC.epoll_create1(EpollFlags.EPOLL_CLOEXEC);
        try (Memory record = new Memory(16)) {
            record.clear();
            record.setInt(0, EpollFlags.EPOLLIN);
            assertEquals(0, LibC.epoll_ctl(watcher, EpollFlags.EPOLL_CTL_ADD, epfd, Pointer.nativeValue(record)));
            assertEquals(1, LibC.epoll_wait(watcher, Pointer.nativeValue(record), 1, 5000), "not readable in 5 s");
        } finally {
            LibC.close(watcher);
        }
    }

    /** Closes the selector the way Poll.close does: interrupt, then close. */
    static final class SelectorUnderTest implements AutoCloseable {
        final EpollSelector selector;

        SelectorUnderTest(EpollSelector selector) {
            this.selector = selector;
        }

        @Override
        public void close() {
            selector.interrupt();
            selector.close();
        }
    }
}
