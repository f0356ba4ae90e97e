package io.jpoll.iocp;

import io.jpoll.Interests;
import io.jpoll.spi.EventSink;

/**
 * The AFD poll event bits, and their translation to and from jpoll's interests and readiness.
 * Every flag conversion of the backend happens here.
 */
final class AfdFlags {
    static final int RECEIVE = 0x1;
    static final int RECEIVE_EXPEDITED = 0x2;
    static final int SEND = 0x4;
    /** The peer shut down its sending side (a graceful FIN). */
    static final int DISCONNECT = 0x8;
    /** The connection was reset or aborted. */
    static final int ABORT = 0x10;
    /** The socket itself was closed through any of its handles. */
    static final int LOCAL_CLOSE = 0x20;
    static final int ACCEPT = 0x80;
    static final int CONNECT_FAIL = 0x100;

    /**
     * Asked for by every readable poll. DISCONNECT, ABORT and CONNECT_FAIL are included because
     * a read then returns end of stream or the error at once, which is what readable promises.
     */
    static final int READ_MASK = RECEIVE | DISCONNECT | ACCEPT | ABORT | CONNECT_FAIL;
    /** Asked for by every writable poll; a write after ABORT or CONNECT_FAIL fails at once. */
    static final int WRITE_MASK = SEND | ABORT | CONNECT_FAIL;
    static final int PRIORITY_MASK = RECEIVE_EXPEDITED;

    private static final int HINTS = EventSink.ERROR | EventSink.READ_CLOSED | EventSink.WRITE_CLOSED;

    private AfdFlags() {
    }

    /**
     * The AFD events a poll for {@code interests} asks for. LOCAL_CLOSE is always among them so
     * that a socket closed while registered releases its poll and its state.
     */
    static int toAfd(Interests interests) {
        int afd = LOCAL_CLOSE;
        if (interests.isReadable()) {
            afd |= READ_MASK;
        }
        if (interests.isWritable()) {
            afd |= WRITE_MASK;
        }
        if (interests.isPriority()) {
            afd |= PRIORITY_MASK;
        }
        return afd;
    }

    /** jpoll readiness bits for the AFD events a poll reported. LOCAL_CLOSE yields nothing. */
    static int toReadiness(int afd) {
        int r = 0;
        if ((afd & READ_MASK) != 0) {
            r |= EventSink.READABLE;
        }
        if ((afd & WRITE_MASK) != 0) {
            r |= EventSink.WRITABLE;
        }
        if ((afd & CONNECT_FAIL) != 0) {
            r |= EventSink.ERROR;
        }
        if ((afd & (DISCONNECT | ABORT | CONNECT_FAIL)) != 0) {
            r |= EventSink.READ_CLOSED;
        }
        if ((afd & (ABORT | CONNECT_FAIL)) != 0) {
            r |= EventSink.WRITE_CLOSED;
        }
        if ((afd & RECEIVE_EXPEDITED) != 0) {
            r |= EventSink.PRIORITY;
        }
        return r;
    }

    /**
     * The readiness a completion reports for {@code interests}: events of a poll the user no
     * longer wants (the interest shrank while it was pending) are dropped, and so are portable
     * kinds that were not asked for.
     */
    static int readinessFor(int afd, Interests interests) {
        return toReadiness(afd & toAfd(interests)) & wanted(interests);
    }

    /**
     * The readiness reported when a poll failed as a whole (a negative NTSTATUS): the socket is
     * in an error state, which the issue and wepoll both treat as CONNECT_FAIL.
     */
    static int failureReadiness(Interests interests) {
        return toReadiness(CONNECT_FAIL) & wanted(interests);
    }

    private static int wanted(Interests interests) {
        int w = HINTS;
        if (interests.isReadable()) {
            w |= EventSink.READABLE;
        }
        if (interests.isWritable()) {
            w |= EventSink.WRITABLE;
        }
        if (interests.isPriority()) {
            w |= EventSink.PRIORITY;
        }
        return w;
    }
}
