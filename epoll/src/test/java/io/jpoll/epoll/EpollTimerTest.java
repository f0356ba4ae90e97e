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
 * and the count and the discard that the read and timerfd_settime give.
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
     * A poller has taken a timer's record from the inner set and not yet read the timerfd when
     * another thread closes the timer and opens a pipe, which the kernel may give the timerfd's
     * number. The close must wait for the poller, or the poller would read the pipe (or a closed
     * fd): the pipe keeps its bytes and the expiry, taken before the close, is reported.
     */
    @Test
    void aTimerClosedWhileAPollerHoldsItsRecordIsNotClosedUnderThePoller() throws Exception {
        AtomicInteger creates = new AtomicInteger();
        AtomicInteger inner = new AtomicInteger(-1);
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        EpollNative real = EpollBinding.NATIVE;
        EpollNative pausing = (EpollNative) Proxy.newProxyInstance(EpollNative.class.getClassLoader(),
                new Class<?>[]{EpollNative.class}, (proxy, method, args) -> {
                    Object result;
                    try {
                        result = method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (method.getName().equals("epollCreate1") && creates.incrementAndGet() == 2) {
                        inner.set((Integer) result); // the first is the selector's set, the second the timers'
                    } else if (method.getName().equals("epollWait") && (Integer) args[0] == inner.get()
                            && (Integer) result > 0) {
                        holding.countDown();
                        assertTrue(release.await(10, TimeUnit.SECONDS));
                    }
                    return result;
                });
        try (SelectorUnderTest s = new SelectorUnderTest(selector(pausing))) {
            TimerHandle timer = s.selector.newTimer(5);
            timer.set(1, 0);
            EventSink sink = new EventSink(4);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread poller = new Thread(() -> {
                try {
                    s.selector.select(sink, TimeUnit.SECONDS.toNanos(5));
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, "holding-poller");
            poller.start();
            assertTrue(holding.await(5, TimeUnit.SECONDS), "the poller never took the timer's record");
            int[] pipe = new int[2];
            Thread closer = new Thread(() -> {
                timer.close();
                try (Memory fds = new Memory(8); Memory bytes = new Memory(8)) {
                    assertEquals(0, LibC.pipe2(Pointer.nativeValue(fds), EpollFlags.O_CLOEXEC | EpollFlags.O_NONBLOCK));
                    pipe[0] = fds.getInt(0);
                    pipe[1] = fds.getInt(4);
                    bytes.setLong(0, 0x0102030405060708L);
                    assertEquals(8, LibC.write(pipe[1], Pointer.nativeValue(bytes), 8));
                }
            }, "closer");
            closer.start();
            closer.join(200); // the close waits for the poller; give it the chance to be wrong
            release.countDown();
            poller.join(5000);
            closer.join(5000);
            assertNull(failure.get());
            try (Memory bytes = new Memory(16)) {
                assertEquals(8, LibC.read(pipe[0], Pointer.nativeValue(bytes), 16), "the pipe kept its bytes");
            } finally {
                LibC.close(pipe[0]);
                LibC.close(pipe[1]);
            }
            assertEquals(1, sink.size(), "the expiry taken before the close");
            assertEquals(5, sink.token(0));
            assertEquals(1, sink.count(0));
        }
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
