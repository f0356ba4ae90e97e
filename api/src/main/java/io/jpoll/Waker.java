package io.jpoll;

import io.jpoll.spi.WakerHandle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Makes a {@link Poll#poll} return, from any thread: the poll reports an event with this waker's
 * token, readable. Several wakes before the next poll may merge into one event.
 *
 * <p>A wake is kept until a poll reports it, so it can surface later than you expect: a wake
 * that lands while no poll is waiting, or just after a poll returned because its timeout ran out
 * (or because of other events), stays pending and is reported by the next poll, which then
 * returns at once. A program that races a wake against a timeout must be ready to see the wake's
 * event on the poll after the one that timed out.
 *
 * <p>After {@link #close()}, or after its Poll closed, {@link #wake()} does nothing; it never
 * touches a descriptor whose number the OS may have handed out again.
 *
 * <p>Actions of a thread before {@link #wake()} happen-before the actions of the thread whose poll
 * reports that wake, after that poll returns (see {@link Registry}).
 */
public final class Waker implements AutoCloseable {
    private final Poll poll;
    private final long token;
    private final WakerHandle handle;
    private final Gate gate = new Gate();
    private final AtomicBoolean released = new AtomicBoolean();

    Waker(Poll poll, long token, WakerHandle handle) {
        this.poll = poll;
        this.token = token;
        this.handle = handle;
    }

    /**
     * The token that the events of this waker's wakes carry.
     *
     * @return the token given to {@link Poll#waker}
     */
    public long token() {
        return token;
    }

    /**
     * Wakes one poll of this waker's Poll.
     *
     * @throws UncheckedIOException if the OS refuses
     */
    public void wake() {
        if (!gate.enter()) {
            return;
        }
        try {
            Gate pollGate = poll.gate();
            // Also the release half of the happens-before edge to the woken poller (see Gate).
            if (!pollGate.enter()) {
                return;
            }
            try {
                handle.wake();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                pollGate.exit();
            }
        } finally {
            gate.exit();
        }
    }

    /** Releases the waker; idempotent and thread-safe. Waits for a wake in progress to finish. */
    @Override
    public void close() {
        if (!gate.close()) {
            return;
        }
        gate.awaitEmpty(toString());
        Gate pollGate = poll.gate();
        // While the Poll is open its selector still holds this waker; release through it. Once it
        // is closing, Poll.close releases every waker it still lists, so this one must stay listed:
        // forgetting it here would leak its descriptor.
        if (pollGate.enter()) {
            try {
                release();
                poll.forget(this);
            } finally {
                pollGate.exit();
            }
        }
    }

    /** Frees the native handle exactly once; called by close or by the closing Poll. */
    void release() {
        if (released.compareAndSet(false, true)) {
            handle.close();
        }
    }

    @Override
    public String toString() {
        return "Waker{token=" + token + (released.get() ? ", closed" : "") + "}";
    }
}
