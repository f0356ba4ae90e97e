package io.jpoll.iocp;

import io.jpoll.Interests;
import io.jpoll.NativeException;
import io.jpoll.Trigger;
import io.jpoll.spi.EventSink;

/**
 * One watched process: its handle (SYNCHRONIZE, signalled once the process has exited, and for
 * good) and a wait completion packet associated with it. A process that had exited before it was
 * watched has neither: its exit is reported by a packet posted to the port under its key.
 *
 * <p>ONESHOT reports the exit once, until reregister arms it again (and, the process having
 * exited, it reports again at once). LEVEL reports it at every select: each report arms the next,
 * which the still-signalled handle (or a new post) completes at once.
 */
final class ProcessWatch implements Waits.Signalled {
    private final Waits waits;
    private final long pid;
    private long token;
    private Interests interests;
    /** The process handle, or 0 when the process had exited before it was watched. */
    private long handle;
    private long packet;
    /** The key of the current association or post, 0 when disarmed. */
    private long key;
    private boolean released;

    ProcessWatch(Waits waits, long pid, long token, Interests interests, long handle) {
        this.waits = waits;
        this.pid = pid;
        this.token = token;
        this.interests = interests;
        this.handle = handle;
    }

    long token() {
        return token;
    }

    /** The first arming, at register; the packet object is made here when there is a handle. */
    void arm() throws NativeException {
        if (handle != 0 && packet == 0) {
            packet = waits.createPacket(this);
        }
        key = waits.key(this);
        try {
            if (handle == 0) {
                waits.post(key);
            } else {
                int status = waits.associate(packet, handle, key);
                if (status != WinErrors.STATUS_SUCCESS) {
                    throw waits.associateFailed(packet, this, status);
                }
            }
        } catch (NativeException e) {
            waits.forget(key);
            key = 0;
            throw e;
        }
    }

    /** Reregister: new token and interests, and armed again under a new key. */
    void rearm(long newToken, Interests newInterests) throws NativeException {
        waits.forget(key);
        key = 0;
        token = newToken;
        interests = newInterests;
        if (handle != 0) {
            packet = waits.release(packet, this);
        }
        arm();
    }

    @Override
    public void signalled(EventSink sink) {
        if (interests.trigger() != Trigger.LEVEL) {
            waits.forget(key);
            key = 0;
            sink.add(token, EventSink.READABLE);
            return;
        }
        // The association (or post) of this key was used up; the next one, under the same key,
        // completes at once and is the next select's event.
        boolean armed;
        if (handle == 0) {
            try {
                waits.post(key);
                armed = true;
            } catch (NativeException e) {
                armed = false;
            }
        } else {
            armed = waits.associate(packet, handle, key) == WinErrors.STATUS_SUCCESS;
        }
        if (!armed) {
            waits.forget(key);
            key = 0;
        }
        sink.add(token, armed ? EventSink.READABLE : EventSink.READABLE | EventSink.ERROR);
    }

    /**
     * Deregister or close: forgets the key and closes both handles, each exactly once. Never
     * fails: closing the packet ends its association whatever NtCancelWaitCompletionPacket would
     * have said, and a packet already queued finds no key.
     */
    void release() {
        if (released) {
            return;
        }
        released = true;
        waits.forget(key);
        key = 0;
        if (packet != 0) {
            waits.os.closeHandle(packet);
            packet = 0;
        }
        if (handle != 0) {
            waits.os.closeHandle(handle);
            handle = 0;
        }
    }

    /** Names it in messages, like {@code timer token=5}. */
    @Override
    public String toString() {
        return "process " + pid + " token=" + token;
    }
}
