package io.jpoll;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What a {@link Poll} owns besides its OS queue, a {@link Waker} or a {@link Timer}: one native
 * handle, released exactly once, by its own {@link #close()} or by the Poll's, whichever comes
 * first, and never used once either has started. Calls into the handle run between
 * {@link #enter()} and {@link #exit()}, inside this object's gate and the Poll's.
 */
abstract class PollOwned implements AutoCloseable {
    private final Poll poll;
    private final long token;
    private final Gate gate = new Gate();
    private final AtomicBoolean released = new AtomicBoolean();

    PollOwned(Poll poll, long token) {
        this.poll = poll;
        this.token = token;
    }

    /**
     * The token this object's events carry.
     *
     * @return the token it was made with
     */
    public long token() {
        return token;
    }

    /**
     * Releases it; idempotent and thread-safe. Waits for a call in progress on another thread to
     * finish first.
     */
    @Override
    public void close() {
        if (!gate.close()) {
            return;
        }
        gate.awaitEmpty(toString());
        Gate pollGate = poll.gate();
        // While the Poll is open its selector still holds the handle; release through it. Once the
        // Poll is closing, it releases everything it still lists, so this must stay listed:
        // forgetting it here would leak its handle.
        if (pollGate.enter()) {
            try {
                release();
                poll.forget(this);
            } finally {
                pollGate.exit();
            }
        }
    }

    /**
     * Enters this object's gate and the Poll's, before a call into the handle. Entering the Poll's
     * gate is also the release half of the happens-before edge to the poller that reports what
     * the call armed (see {@link Gate}).
     *
     * @return false, having entered neither, once this object or its Poll has started closing:
     *         the call must then do nothing
     */
    final boolean enter() {
        if (!gate.enter()) {
            return false;
        }
        if (!poll.gate().enter()) {
            gate.exit();
            return false;
        }
        return true;
    }

    /** Leaves both gates after a successful {@link #enter()}. */
    final void exit() {
        poll.gate().exit();
        gate.exit();
    }

    /** Frees the native handle exactly once; called by close or by the closing Poll. */
    final void release() {
        if (released.compareAndSet(false, true)) {
            closeHandle();
        }
    }

    final boolean isReleased() {
        return released.get();
    }

    /** Closes the native handle; called once. */
    abstract void closeHandle();
}
