package io.jpoll;

import io.jpoll.spi.EventSink;

/**
 * One readiness event as an immutable value. {@link Events} gives the same facts by index without
 * making this object; use whichever reads better where allocation does not matter.
 *
 * <p>Readable and writable are portable, and mean that the operation will not block. A hang-up
 * or an error is always reported as readable or writable, in a direction the registration asked
 * for, so the read or write that follows returns the end of stream or throws the error; it never
 * arrives as an event that is neither (which would disarm a ONESHOT registration unnoticed). A
 * direction that was not asked for may come along with it where the OS cannot tell them apart:
 * on epoll, an error reported with no direction makes both ready.
 *
 * <p>Error, read-closed, write-closed and priority are hints whose exact meaning follows the OS.
 * The closed flags never report a closed side that is open, so a backend reports them only where
 * the OS proves it, and may leave them out: on epoll, a pipe's end of stream is readable without
 * read-closed (the kernel reports it as an unconnected socket's hang-up), and a pipe whose reader
 * is gone is writable with an error, without write-closed (the kernel reports it as a UDP
 * socket's ICMP error, whose socket goes on sending). End of stream itself is what a read says.
 */
public final class Event {
    private final long token;
    private final int readiness;
    private final long expirations;

    Event(long token, int readiness) {
        this(token, readiness, 0);
    }

    Event(long token, int readiness, long expirations) {
        this.token = token;
        this.readiness = readiness;
        this.expirations = expirations;
    }

    /**
     * The token of the registration or waker this event is about, unchanged in all 64 bits.
     *
     * @return the token given at registration (or to the waker)
     */
    public long token() {
        return token;
    }

    /**
     * Whether a read will not block: data, end of stream, or an error (for a listener: a
     * connection to accept, or an error).
     *
     * @return whether the source is readable
     */
    public boolean isReadable() {
        return (readiness & EventSink.READABLE) != 0;
    }

    /**
     * Whether a write will not block: room to send, a finished (or failed) connect, or an error.
     *
     * @return whether the source is writable
     */
    public boolean isWritable() {
        return (readiness & EventSink.WRITABLE) != 0;
    }

    /**
     * Whether the OS flagged an error on the source. A hint: the error itself surfaces from the next
     * read, write or {@code finishConnect}.
     *
     * @return whether an error is pending on the source
     */
    public boolean isError() {
        return (readiness & EventSink.ERROR) != 0;
    }

    /**
     * Whether the read side is closed: the peer shut down, or the connection is gone. A hint,
     * never a false positive, possibly missing.
     *
     * @return whether the read side is closed
     */
    public boolean isReadClosed() {
        return (readiness & EventSink.READ_CLOSED) != 0;
    }

    /**
     * Whether the write side is closed: no write can succeed again. A hint, never a false
     * positive, possibly missing.
     *
     * @return whether the write side is closed
     */
    public boolean isWriteClosed() {
        return (readiness & EventSink.WRITE_CLOSED) != 0;
    }

    /**
     * Whether priority data (TCP urgent data, or an exceptional condition of a device) is waiting.
     * A hint whose meaning follows the OS.
     *
     * @return whether priority data is readable
     */
    public boolean isPriority() {
        return (readiness & EventSink.PRIORITY) != 0;
    }

    /**
     * How many expiries a {@link Timer}'s event stands for, at least 1; 0 for any other event.
     *
     * @return the number of expiries merged into this event, or 0
     */
    public long expirations() {
        return expirations;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Event && ((Event) o).token == token && ((Event) o).readiness == readiness
                && ((Event) o).expirations == expirations;
    }

    @Override
    public int hashCode() {
        return (Long.hashCode(token) * 31 + readiness) * 31 + Long.hashCode(expirations);
    }

    /** Like {@code Event{token=7, READABLE | READ_CLOSED}}, or {@code Event{token=3, READABLE, expirations=2}}. */
    @Override
    public String toString() {
        return "Event{token=" + token + ", " + describe(readiness)
                + (expirations == 0 ? "" : ", expirations=" + expirations) + "}";
    }

    static String describe(int readiness) {
        if (readiness == 0) {
            return "(none)";
        }
        StringBuilder sb = new StringBuilder();
        String[] names = {"READABLE", "WRITABLE", "ERROR", "READ_CLOSED", "WRITE_CLOSED", "PRIORITY"};
        for (int bit = 0; bit < names.length; bit++) {
            if ((readiness & (1 << bit)) != 0) {
                sb.append(sb.length() > 0 ? " | " : "").append(names[bit]);
            }
        }
        return sb.toString();
    }
}
