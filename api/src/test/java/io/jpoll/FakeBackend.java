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
        FakeSelector s = new FakeSelector();
        OPENED.add(s);
        return s;
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
        final ConcurrentHashMap<Long, Long> registered = new ConcurrentHashMap<>();
        final List<String> calls = new CopyOnWriteArrayList<>();
        final AtomicInteger interrupts = new AtomicInteger();
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

        @Override
        public boolean supports(Trigger trigger) {
            return trigger != Trigger.EDGE;
        }

        @Override
        public String unsupportedReason(Trigger trigger) {
            return "the fake cannot see edges";
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
                throw new AlreadyRegisteredException("fake: " + handle);
            }
        }

        @Override
        public void reregister(long handle, long token, Interests interests) throws IOException {
            check();
            interleave();
            calls.add("reregister " + handle + " " + token + " " + interests);
            if (registered.replace(handle, token) == null) {
                throw new NotRegisteredException("fake: " + handle);
            }
        }

        @Override
        public void deregister(long handle) throws IOException {
            check();
            interleave();
            calls.add("deregister " + handle);
            if (registered.remove(handle) == null) {
                throw new NotRegisteredException("fake: " + handle);
            }
        }

        @Override
        public void select(EventSink sink, long timeoutNanos) {
            check();
            insideSelect.incrementAndGet();
            lock.lock();
            try {
                long left = timeoutNanos < 0 ? Long.MAX_VALUE : timeoutNanos;
                while (pending.isEmpty() && !interrupted && left > 0) {
                    left = woken.awaitNanos(Math.min(left, TimeUnit.SECONDS.toNanos(10)));
                }
                while (!pending.isEmpty() && sink.remaining() > 0) {
                    sink.add(pending.remove(0), EventSink.READABLE);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                lock.unlock();
                insideSelect.decrementAndGet();
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
                }
            };
        }

        @Override
        public void interrupt() {
            interrupts.incrementAndGet();
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
        }
    }
}
