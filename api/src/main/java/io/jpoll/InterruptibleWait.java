package io.jpoll;

import io.jpoll.spi.EventSink;
import io.jpoll.spi.Selector;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Makes {@code Thread.interrupt()} wake a thread blocked in {@link Poll#poll}, on a selector that
 * {@linkplain Selector#wakesOnInterrupt() offers a nudge}.
 *
 * <p>The OS cannot wake one chosen thread out of a shared wait, so an interrupt raises the
 * selector's nudge, which wakes every poller. The interrupted one returns. Every other one takes
 * it as a spurious wake: it returns nothing, and parks here until the nudge is cleared, then waits
 * again with the time it has left. (Waiting again at once would spin: a raised nudge ends each
 * wait at once.) The nudge is cleared when the last interrupted poller counted in has woken,
 * so several interrupts at once need one raise, and a nudge never outlives its pollers.
 *
 * <p>Accounting: {@code outstanding} counts the polls nudged and not yet counted out, guarded by
 * this object's lock, under which the selector's nudge is also raised and cleared, so the two
 * always agree. A poll is counted in at most once per interrupt, by its {@link InterruptHook}'s
 * compare-and-set, and out exactly once, right after its wait returns or when it ends.
 */
final class InterruptibleWait {
    private final Selector selector;
    private final Gate gate;
    /** The state of an {@link InterruptHook} whose poll on this wait was nudged. */
    final Object nudged = new Object();
    private int outstanding;
    private boolean closed;

    InterruptibleWait(Selector selector, Gate gate) {
        this.selector = selector;
        this.gate = gate;
    }

    /**
     * Selects until an event, the timeout, the Poll's close, or an interrupt of this thread; other
     * threads' interrupts are absorbed.
     *
     * @param hook  this thread's hook
     * @param sink  where the events go
     * @param nanos the timeout, negative for none, never 0
     */
    void select(InterruptHook hook, EventSink sink, long nanos) throws IOException {
        long deadline = nanos > 0 ? System.nanoTime() + nanos : 0;
        long left = nanos;
        hook.enter(this);
        try {
            for (;;) {
                selector.select(sink, left);
                consume(hook, this);
                if (sink.size() > 0 || gate.isClosed() || Thread.currentThread().isInterrupted()) {
                    return;
                }
                if (nanos > 0 && (left = deadline - System.nanoTime()) <= 0) {
                    return;
                }
                // Woken for another thread's interrupt (or a stale one of this thread's): let the
                // interrupted pollers wake and the nudge be cleared, then wait on.
                if (!awaitCleared(hook, deadline)) {
                    return;
                }
                if (nanos > 0 && (left = deadline - System.nanoTime()) <= 0) {
                    return;
                }
            }
        } finally {
            hook.exit(this);
        }
    }

    /** Counts {@code hook}'s poll in: called by {@code Thread.interrupt()}, never throws. */
    void nudge(InterruptHook hook) {
        synchronized (this) {
            if (!hook.compareAndSetState(this, nudged)) {
                return; // not waiting on this any more, or counted in already
            }
            if (outstanding++ == 0) {
                try {
                    selector.raiseNudge();
                } catch (RuntimeException e) {
                    System.getLogger("io.jpoll").log(System.Logger.Level.WARNING,
                            "jpoll: cannot wake an interrupted poller; it returns at its timeout", e);
                }
            }
            notifyAll(); // a parked poller that was nudged itself stops waiting for the clear
        }
    }

    /** Counts {@code hook}'s poll out if it was nudged, leaving the hook in state {@code next}. */
    void consume(InterruptHook hook, Object next) {
        if (hook.state() != nudged) {
            return;
        }
        synchronized (this) {
            if (!hook.compareAndSetState(nudged, next)) {
                return;
            }
            if (--outstanding == 0) {
                selector.clearNudge();
                notifyAll();
            }
        }
    }

    /** Wakes every parked poller for good: the Poll is closing. */
    void close() {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
    }

    /**
     * Parks until the nudge is cleared or this poll is nudged itself; false if the poll should
     * return instead: the deadline passed (0: none), the Poll closed, or this thread was
     * interrupted while parked (its status is set again).
     */
    private boolean awaitCleared(InterruptHook hook, long deadline) {
        synchronized (this) {
            try {
                while (outstanding > 0 && hook.state() != nudged && !closed) {
                    if (deadline == 0) {
                        wait();
                    } else {
                        long left = deadline - System.nanoTime();
                        if (left <= 0) {
                            return false;
                        }
                        TimeUnit.NANOSECONDS.timedWait(this, left);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            return !closed;
        }
    }
}
