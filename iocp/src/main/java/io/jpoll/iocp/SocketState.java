package io.jpoll.iocp;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import io.jpoll.Interests;
import io.jpoll.Trigger;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One registered socket: its native block (IO_STATUS_BLOCK and AFD_POLL_INFO of its poll) and the
 * state machine that keeps at most one AFD poll pending for it.
 *
 * <p>Phases: IDLE (no poll), PENDING (a poll is in the kernel), CANCELLED (a cancel was asked,
 * the completion is still due). The native block must outlive the kernel's use of it, so it is
 * freed only in IDLE: after the completion was dequeued, however the registration ended.
 *
 * <p>A live registration keeps a poll pending even when it wants no event: a disarmed ONESHOT
 * registration, and a LEVEL one between the select that reported it and the next, poll for
 * LOCAL_CLOSE alone. AFD reports a close only to a poll pending at that moment, and the close
 * is the only sign Windows gives that the number may now name another socket.
 *
 * <p>Not thread-safe: the selector calls it under its lock.
 */
final class SocketState {
    enum Phase { IDLE, PENDING, CANCELLED }

    /** Reads the status the kernel writes last, before the AFD_POLL_INFO it wrote earlier. */
    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());

    /** The SOCKET as the user registered it, the key of the registration. */
    final long handle;
    /** The base provider socket that AFD polls. */
    final long baseSocket;
    final PollGroup group;
    /** The socket's addresses when it was registered, to tell it from a later socket with its number. */
    final SocketAddresses addresses;
    /** The block's address, which is also the OVERLAPPED pointer of every completion of it. */
    final long address;

    private final Memory memory;
    private final ByteBuffer block;

    private long token;
    private Interests interests;
    private boolean armed = true;
    /** LEVEL, after an event: only the close is watched until the next select re-polls it. */
    private boolean resting;
    /** A close-only poll failed; no other is started until the interests are polled again. */
    private boolean watchFailed;
    private Phase phase = Phase.IDLE;
    private int pendingMask;
    private boolean deleted;
    private boolean closed;
    /** In the selector's reissue queue (LEVEL, after an event). */
    boolean queued;

    SocketState(long handle, long baseSocket, SocketAddresses addresses, PollGroup group, long token,
                Interests interests) {
        this.handle = handle;
        this.baseSocket = baseSocket;
        this.addresses = addresses;
        this.group = group;
        this.token = token;
        this.interests = interests;
        memory = new Memory(Layout.BLOCK_SIZE);
        memory.clear();
        block = memory.getByteBuffer(0, Layout.BLOCK_SIZE).order(ByteOrder.nativeOrder());
        address = Pointer.nativeValue(memory);
    }

    long token() {
        return token;
    }

    Interests interests() {
        return interests;
    }

    Phase phase() {
        return phase;
    }

    /** Deregistered or its Poll is closing: it yields no more events and is freed once IDLE. */
    boolean isDeleted() {
        return deleted;
    }

    /** The socket was closed while registered; the registration is a tombstone. */
    boolean isClosed() {
        return closed;
    }

    /** New token and interests from reregister; a disarmed ONESHOT registration is live again. */
    void rearm(long token, Interests interests) {
        this.token = token;
        this.interests = interests;
        armed = true;
        resting = false;
        watchFailed = false;
    }

    void disarm() {
        armed = false;
    }

    /** A LEVEL registration reported an event: until {@link #wake()}, it watches only for the close. */
    void rest() {
        resting = true;
    }

    /** The select after a LEVEL event: the registration wants its interests again. */
    void wake() {
        resting = false;
        watchFailed = false;
    }

    void markDeleted() {
        deleted = true;
    }

    void markClosed() {
        closed = true;
    }

    /**
     * Brings the kernel in line with the interests: starts a poll when none is pending, cancels
     * the pending one when the interests grew beyond it (its completion then starts the new one).
     * A poll that asks for more than is wanted now stays; its surplus events are filtered out.
     * A disarmed or resting registration wants LOCAL_CLOSE alone; a deleted or closed one, nothing.
     *
     * @return STATUS_SUCCESS, or the NTSTATUS of the poll or cancel call that failed (which one
     *         follows from the phase before the call: PENDING means cancel)
     */
    int update(AfdPort port) {
        int wanted = deleted || closed ? 0
                : armed && !resting ? AfdFlags.toAfd(interests)
                : watchFailed ? 0 : AfdFlags.LOCAL_CLOSE;
        switch (phase) {
            case PENDING:
                return (wanted & ~pendingMask) != 0 ? cancel(port) : WinErrors.STATUS_SUCCESS;
            case CANCELLED:
                return WinErrors.STATUS_SUCCESS;
            default:
                return wanted != 0 ? issue(port, wanted) : WinErrors.STATUS_SUCCESS;
        }
    }

    private int issue(AfdPort port, int mask) {
        block.putLong(Layout.BLOCK_IOSB + Layout.IOSB_STATUS, WinErrors.STATUS_PENDING);
        block.putLong(Layout.BLOCK_IOSB + Layout.IOSB_INFORMATION, 0);
        int info = Layout.BLOCK_POLL_INFO;
        block.putLong(info + Layout.POLL_INFO_TIMEOUT, Long.MAX_VALUE);
        block.putInt(info + Layout.POLL_INFO_COUNT, 1);
        block.putInt(info + Layout.POLL_INFO_EXCLUSIVE, 0);
        int handleInfo = info + Layout.POLL_INFO_HANDLES;
        block.putLong(handleInfo + Layout.HANDLE_INFO_HANDLE, baseSocket);
        block.putInt(handleInfo + Layout.HANDLE_INFO_EVENTS, mask);
        block.putInt(handleInfo + Layout.HANDLE_INFO_STATUS, 0);
        int status = port.poll(group.helper, address + Layout.BLOCK_IOSB, address + Layout.BLOCK_POLL_INFO);
        if (status != WinErrors.STATUS_SUCCESS && status != WinErrors.STATUS_PENDING) {
            return status;
        }
        // STATUS_SUCCESS too queues a completion: the helper handle is not in skip-on-success mode.
        phase = Phase.PENDING;
        pendingMask = mask;
        return WinErrors.STATUS_SUCCESS;
    }

    /**
     * Cancels the pending poll. STATUS_NOT_FOUND means it completed already and its completion
     * is on its way, which is as good.
     *
     * @return STATUS_SUCCESS, or the NTSTATUS of a failed NtCancelIoFileEx
     */
    int cancel(AfdPort port) {
        if (phase != Phase.PENDING) {
            return WinErrors.STATUS_SUCCESS;
        }
        int status = port.cancel(group.helper, address + Layout.BLOCK_IOSB, address + Layout.BLOCK_CANCEL_IOSB);
        if (status != WinErrors.STATUS_SUCCESS && status != WinErrors.STATUS_NOT_FOUND) {
            return status;
        }
        phase = Phase.CANCELLED;
        return WinErrors.STATUS_SUCCESS;
    }

    /**
     * The completion of this state's poll was dequeued. Returns the readiness to report, 0 for
     * none. On LOCAL_CLOSE the state becomes {@linkplain #isClosed() closed}; on an event of a
     * ONESHOT registration it disarms.
     */
    int complete() {
        int asked = pendingMask;
        phase = Phase.IDLE;
        pendingMask = 0;
        if (deleted) {
            return 0;
        }
        int status = block.getInt(Layout.BLOCK_IOSB + Layout.IOSB_STATUS);
        int readiness;
        if (status == WinErrors.STATUS_CANCELLED) {
            // The Events field still holds the mask that was asked for: it must not be read.
            return 0;
        } else if (asked == AfdFlags.LOCAL_CLOSE) {
            // A close-only poll reports the close or nothing. If it failed, another would likely
            // fail at once too, and each failure would bring a select round: stop watching.
            if (status < 0) {
                watchFailed = true;
            } else if (closeIn(status)) {
                closed = true;
            }
            return 0;
        } else if (status < 0) {
            readiness = AfdFlags.failureReadiness(interests);
        } else if (block.getInt(Layout.BLOCK_POLL_INFO + Layout.POLL_INFO_COUNT) < 1) {
            return 0;
        } else {
            int events = block.getInt(Layout.BLOCK_POLL_INFO + Layout.POLL_INFO_HANDLES + Layout.HANDLE_INFO_EVENTS);
            if ((events & AfdFlags.LOCAL_CLOSE) != 0) {
                closed = true;
                return 0;
            }
            readiness = AfdFlags.readinessFor(events, interests);
        }
        if (readiness != 0 && interests.trigger() == Trigger.ONESHOT) {
            armed = false;
        }
        return readiness;
    }

    /**
     * Whether the poll in the kernel has ended, read from its IO_STATUS_BLOCK before its completion
     * is dequeued (what HasOverlappedIoCompleted reads). False in IDLE, where no poll is out.
     */
    boolean pollEnded() {
        return phase != Phase.IDLE && (int) INT.getAcquire(block, Layout.BLOCK_IOSB + Layout.IOSB_STATUS)
                != WinErrors.STATUS_PENDING;
    }

    /** Whether the poll in the kernel has ended because the socket was closed (LOCAL_CLOSE). */
    boolean closeReported() {
        return pollEnded() && closeIn(block.getInt(Layout.BLOCK_IOSB + Layout.IOSB_STATUS));
    }

    /** Whether a completed poll with this status reported LOCAL_CLOSE. */
    private boolean closeIn(int status) {
        return status >= 0
                && block.getInt(Layout.BLOCK_POLL_INFO + Layout.POLL_INFO_COUNT) >= 1
                && (block.getInt(Layout.BLOCK_POLL_INFO + Layout.POLL_INFO_HANDLES + Layout.HANDLE_INFO_EVENTS)
                        & AfdFlags.LOCAL_CLOSE) != 0;
    }

    /** Frees the native block; only in IDLE, when the kernel no longer knows its address. */
    void free() {
        memory.close();
    }

    /** The object whose reachability keeps the native block allocated (JNA frees it when unreachable). */
    Object blockOwner() {
        return memory;
    }

    @Override
    public String toString() {
        return "socket " + handle + " (base " + baseSocket + ", token " + token + ", " + interests + ", " + phase
                + (armed ? "" : ", disarmed") + (deleted ? ", deleted" : "") + (closed ? ", closed" : "") + ")";
    }
}
