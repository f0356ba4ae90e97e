package io.jpoll;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the threads inside a native resource and closes it only when none is left, so a file
 * descriptor is never used after, or while, it is closed and its number possibly reused.
 *
 * <p>{@link #enter()} and {@link #exit()} are one CAS each; the closer parks only when threads are
 * still inside.
 *
 * <p>The gate is also jpoll's happens-before edge (see {@link Registry}): every register,
 * reregister and wake enters it before its native call, and every poll leaves it after its native
 * wait, each with a volatile read-modify-write of {@code state}. An OS call is no synchronization
 * action in the Java memory model: nothing in it orders one thread's plain writes before another
 * thread's reads, and a compiler may move plain accesses across a call it can see into (an FFM
 * downcall). Two accesses of one volatile variable are: the arming thread's {@code enter()} comes
 * before the native arm, the arm before the kernel's event, the event before the polling thread's
 * {@code exit()}, so that {@code exit()} follows the {@code enter()} in the variable's order and
 * synchronizes with it. Keep both volatile read-modify-writes of one variable: a plain, opaque or
 * per-thread gate would drop the guarantee.
 */
final class Gate {
    private static final int CLOSED = 1 << 31;
    private static final long STUCK_NANOS = TimeUnit.SECONDS.toNanos(5);

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
     *
     * <p>It never gives up: releasing the resource while a thread may still use it is the fd-reuse
     * race this class exists to prevent. A thread that does not leave within a few seconds means a
     * backend failed to wake it, so that is logged, once, to make the hang diagnosable.
     *
     * @param what the resource, for the log line
     */
    void awaitEmpty(String what) {
        boolean interrupted = false;
        long warnAt = System.nanoTime() + STUCK_NANOS;
        boolean warned = false;
        synchronized (this) {
            while (state.get() != CLOSED) {
                try {
                    wait(10);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
                if (!warned && System.nanoTime() - warnAt > 0) {
                    warned = true;
                    System.getLogger("io.jpoll").log(System.Logger.Level.WARNING,
                            "jpoll: closing {0} waits for {1} thread(s) still inside it after {2} s;"
                                    + " its native resources stay open until they leave",
                            what, state.get() & ~CLOSED, TimeUnit.NANOSECONDS.toSeconds(STUCK_NANOS));
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
