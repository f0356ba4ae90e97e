package io.jpoll.iocp;

import io.jpoll.Trigger;
import io.jpoll.spi.EventSink;

import java.util.ArrayDeque;

/**
 * What follows the dequeued completion of a socket's poll: at most one event, and the
 * registration's next poll. That is the poll for its interests; or, for a disarmed ONESHOT
 * registration or a LEVEL one that just reported, the poll for LOCAL_CLOSE alone, which keeps
 * a close visible (see {@link SocketState}); or none, when the socket closed or the registration
 * ended, and then its block and helper slot are freed.
 *
 * <p>Not thread-safe: the selector calls it under its lock.
 */
final class PollCycle {
    private final AfdPort port;
    private final Blocks blocks;
    /** LEVEL registrations that delivered an event; their full poll starts at the next select. */
    private final ArrayDeque<SocketState> reissues = new ArrayDeque<>();

    PollCycle(AfdPort port, Blocks blocks) {
        this.port = port;
        this.blocks = blocks;
    }

    /**
     * A poll completed. Each record yields at most one event, and the caller dequeued no more
     * records than the sink has room for, so there is room here.
     */
    void completed(long overlapped, EventSink sink) {
        SocketState s = blocks.get(overlapped);
        if (s == null) {
            return; // every completion on this port carries one of its blocks; nothing else to do
        }
        int readiness = s.complete();
        if (s.isDeleted() || s.isClosed()) {
            retire(s);
        } else if (readiness != 0) {
            sink.add(s.token(), readiness);
            if (s.interests().trigger() == Trigger.LEVEL) {
                s.rest();
                if (!s.queued) {
                    s.queued = true;
                    reissues.add(s);
                }
            }
            watch(s);
        } else {
            reissue(s, sink);
        }
    }

    /**
     * LEVEL registrations that reported an event poll for their interests again at the start of
     * the next select, after the user had the chance to drain them, so a drained socket does not
     * report again. Until then they poll only for the close, and that poll's completion (a
     * cancel, or the close) is what starts the full one.
     */
    void flushReissues(EventSink sink) {
        while (sink.remaining() > 0) {
            SocketState s = reissues.poll();
            if (s == null) {
                return;
            }
            s.queued = false;
            if (!s.isDeleted() && !s.isClosed()) {
                s.wake();
                reissue(s, sink);
            }
        }
    }

    /** Polls again after a completion; the caller made sure the sink has room for one event. */
    private void reissue(SocketState s, EventSink sink) {
        int status = s.update(port);
        if (status == WinErrors.STATUS_SUCCESS || closedAt(s, status)) {
            return;
        }
        // The socket can no longer be polled for its interests. Report it as failed rather than go
        // silent, so the user looks at it; it stays disarmed until reregister, and still watches
        // for the close if the OS lets it.
        s.disarm();
        sink.add(s.token(), AfdFlags.failureReadiness(s.interests()));
        watch(s);
    }

    /**
     * Starts the close-only poll of a registration that just reported. If even that is refused,
     * the registration has no poll in the kernel: nothing will tell when its socket closes, which
     * {@link ReuseProbe} takes into account.
     */
    private void watch(SocketState s) {
        closedAt(s, s.update(port));
    }

    /** STATUS_INVALID_HANDLE from a poll: closed between two polls, the same end as LOCAL_CLOSE. */
    private boolean closedAt(SocketState s, int status) {
        if (status != WinErrors.STATUS_INVALID_HANDLE) {
            return false;
        }
        s.markClosed();
        retire(s);
        return true;
    }

    /** Frees a state whose poll is not in the kernel: its block and its place on a helper. */
    void retire(SocketState s) {
        blocks.free(s);
        s.group.release();
    }

    /** At close: no reissue is due any more. */
    void clear() {
        reissues.clear();
    }
}
