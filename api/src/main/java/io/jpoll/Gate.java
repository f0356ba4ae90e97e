package io.jpoll;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the threads inside a native resource and closes it only when none is left, so a file
 * descriptor is never used after, or while, it is closed and its number possibly reused.
 *
 * <p>{@link #enter()} and {@link #exit()} are one CAS each; the closer parks only when threads are
 * still inside.
 */
final class Gate {
    private static final int CLOSED = 1 << 31;

    private final AtomicInteger state = new AtomicInteger();

    /** Enters unless closed; a true return must be paired with {@link #exit()}. */
    boolean enter() {
        for (;;) {
            int s = state.get();
            if ((s & CLOSED) != 0) {
                return false;
            }
            if (state.compareAndSet(s, s + 1)) {
                return true;
            }
        }
    }

    void exit() {
        if (state.decrementAndGet() == CLOSED) {
            synchronized (this) {
                notifyAll();
            }
        }
    }

    boolean isClosed() {
        return (state.get() & CLOSED) != 0;
    }

    /** Closes the gate to newcomers; true for the one caller that closed it. */
    boolean close() {
        for (;;) {
            int s = state.get();
            if ((s & CLOSED) != 0) {
                return false;
            }
            if (state.compareAndSet(s, s | CLOSED)) {
                return true;
            }
        }
    }

    /**
     * Waits until every thread that entered before {@link #close()} has left. The bounded wait
     * rechecks in case a thread left between the check and the wait.
     */
    void awaitEmpty() {
        boolean interrupted = false;
        synchronized (this) {
            while (state.get() != CLOSED) {
                try {
                    wait(TimeUnit.MILLISECONDS.toMillis(10));
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
