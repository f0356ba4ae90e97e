package io.jpoll;

import io.jpoll.spi.Backend;
import io.jpoll.spi.EventSink;
import io.jpoll.spi.Selector;
import io.jpoll.spi.WakerHandle;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A backend with no OS behind it, for testing the API layer's own logic: argument checks, backend
 * choice and the close protocol. It records every SPI call so tests can assert what reached it.
 */
public class FakeBackend implements Backend {
    static final List<FakeSelector> OPENED = new CopyOnWriteArrayList<>();

    @Override
    public String name() {
        return "fake";
    }

    @Override
    public boolean isSupported() {
        return true;
    }

    @Override
    public int priority() {
        return 1;
    }

    @Override
    public Selector open() {
        FakeSelector s = new FakeSelector(false);
        OPENED.add(s);
        return s;
    }

    /** A fake whose selector offers the nudge, like epoll: a level signal every select sees. */
    public static class Nudging extends FakeBackend {
        @Override
        public String name() {
            return "fake-nudging";
        }

        @Override
        public int priority() {
            return 0;
        }

        @Override
        public Selector open() {
            FakeSelector s = new FakeSelector(true);
            OPENED.add(s);
            return s;
        }
    }

    /** Found by ServiceLoader but never supported. */
    public static class Unsupported extends FakeBackend {
        @Override
        public String name() {
            return "fake-unsupported";
        }

        @Override
        public boolean isSupported() {
            return false;
        }

        @Override
        public String unsupportedReason() {
            return "it never is";
        }
    }

    static final class FakeSelector implements Selector {
        final boolean nudging;
        final ConcurrentHashMap<Long, Long> registered = new ConcurrentHashMap<>();
        final AtomicInteger raises = new AtomicInteger();
        final AtomicInteger clears = new AtomicInteger();
        final AtomicInteger selects = new AtomicInteger();
        /** A thread that, woken by the nudge, stalls until {@link #release} opens: a slow poller. */
        volatile Thread stallOnNudge;
        final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        private boolean nudgeRaised;
        final List<String> calls = new CopyOnWriteArrayList<>();
        final AtomicInteger interrupts = new AtomicInteger();
        /** Thrown by the next interrupt, waker close and close, to model a backend that fails. */
        volatile RuntimeException failInterrupt;
        volatile RuntimeException failWakerClose;
        volatile RuntimeException failClose;
        final AtomicInteger closes = new AtomicInteger();
        final AtomicInteger wakes = new AtomicInteger();
        final AtomicInteger wakerCloses = new AtomicInteger();
        final AtomicInteger insideSelect = new AtomicInteger();
        /** Set when any call arrives after close: the gate failed. */
        volatile boolean usedAfterClose;
        /**
         * Run once by the next register, reregister or deregister before it acts, as if another
         * thread did it between the API's checks and the OS call (a close, a reuse of the number).
         */
        volatile Runnable beforeNextCall;
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition woken = lock.newCondition();
        private final List<Long> pending = new ArrayList<>();
        private boolean interrupted;

        FakeSelector(boolean nudging) {
            this.nudging = nudging;
        }

        @Override
        public boolean wakesOnInterrupt() {
            return nudging;
        }

        @Override
        public void raiseNudge() {
            check();
            raises.incrementAndGet();
            lock.lock();
            try {
                if (nudgeRaised) {
                    throw new AssertionError("raised twice");
                }
                nudgeRaised = true;
                woken.signalAll();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void clearNudge() {
            check();
            clears.incrementAndGet();
            lock.lock();
            try {
                if (!nudgeRaised) {
                    throw new AssertionError("cleared while not raised");
                }
                nudgeRaised = false;
            } finally {
                lock.unlock();
            }
        }

        boolean nudgeRaised() {
            lock.lock();
            try {
                return nudgeRaised;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public boolean supports(Trigger trigger) {
            return trigger != Trigger.EDGE;
        }

        /** Set to model a backend whose refusal forgets the triggers {@link #supports} refuses. */
        volatile boolean refusalForgetsTriggers;

        /** Refuses what it cannot do, as kqueue refuses PRIORITY alone and IOCP refuses EDGE. */
        @Override
        public String refusal(Interests interests) {
            if (interests.trigger() == Trigger.EDGE && !refusalForgetsTriggers) {
                return "the fake cannot see edges";
            }
            return interests.isReadable() || interests.isWritable() ? null : "the fake watches no PRIORITY alone";
        }

        private void check() {
            if (closes.get() > 0) {
                usedAfterClose = true;
            }
        }

        private void interleave() {
            Runnable r = beforeNextCall;
            if (r != null) {
                beforeNextCall = null;
                r.run();
            }
        }

        @Override
        public void register(long handle, long token, Interests interests) throws IOException {
            check();
            interleave();
            calls.add("register " + handle + " " + token + " " + interests);
            if (registered.putIfAbsent(handle, token) != null) {
                throw new AlreadyRegisteredException("Registry.register", "fd", handle, token, "fake");
            }
        }

        @Override
        public void reregister(long handle, long token, Interests interests) throws IOException {
            check();
            interleave();
            calls.add("reregister " + handle + " " + token + " " + interests);
            if (registered.replace(handle, token) == null) {
                throw new NotRegisteredException("Registry.reregister", "fd", handle, token, null);
            }
        }

        @Override
        public void deregister(long handle) throws IOException {
            check();
            interleave();
            calls.add("deregister " + handle);
            if (registered.remove(handle) == null) {
                throw new NotRegisteredException("Registry.deregister", "fd", handle, null);
            }
        }

        @Override
        public void select(EventSink sink, long timeoutNanos) {
            check();
            insideSelect.incrementAndGet();
            selects.incrementAndGet();
            boolean threadInterrupted = false;
            boolean stall = false;
            lock.lock();
            try {
                long deadline = System.nanoTime() + (timeoutNanos < 0 ? 0 : timeoutNanos);
                while (pending.isEmpty() && !interrupted && !nudgeRaised) {
                    long left = timeoutNanos < 0 ? TimeUnit.SECONDS.toNanos(10) : deadline - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    try {
                        woken.awaitNanos(left);
                    } catch (InterruptedException e) {
                        // Like an OS wait: Thread.interrupt() does not end it. The status is kept.
                        threadInterrupted = true;
                    }
                }
                while (!pending.isEmpty() && sink.remaining() > 0) {
                    sink.add(pending.remove(0), EventSink.READABLE);
                }
                stall = nudgeRaised && stallOnNudge == Thread.currentThread();
            } finally {
                lock.unlock();
                while (stall) {
                    try {
                        release.await(); // a descheduled thread does not notice interrupts either
                        stall = false;
                    } catch (InterruptedException e) {
                        threadInterrupted = true;
                    }
                }
                insideSelect.decrementAndGet();
                if (threadInterrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        @Override
        public WakerHandle newWaker(long token) {
            check();
            return new WakerHandle() {
                @Override
                public void wake() {
                    check();
                    wakes.incrementAndGet();
                    lock.lock();
                    try {
                        pending.add(token);
                        woken.signalAll();
                    } finally {
                        lock.unlock();
                    }
                }

                @Override
                public void close() {
                    check();
                    wakerCloses.incrementAndGet();
                    RuntimeException fail = failWakerClose;
                    if (fail != null) {
                        throw fail;
                    }
                }
            };
        }

        @Override
        public void interrupt() {
            interrupts.incrementAndGet();
            RuntimeException fail = failInterrupt;
            if (fail != null) {
                throw fail; // before waking anyone, as a failed post or write would
            }
            lock.lock();
            try {
                interrupted = true;
                woken.signalAll();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void close() {
            if (insideSelect.get() != 0) {
                usedAfterClose = true;
            }
            closes.incrementAndGet();
            RuntimeException fail = failClose;
            if (fail != null) {
                throw fail;
            }
        }
    }
}
