package io.jpoll;

import io.jpoll.spi.EventSink;

/**
 * One readiness event as an immutable value. {@link Events} gives the same facts by index without
 * making this object; use whichever reads better where allocation does not matter.
 *
 * <p>Readable and writable are portable. Error, read-closed, write-closed and priority are hints
 * whose exact meaning follows the OS; the closed flags never report a closed side that is open.
 */
public final class Event {
    private final long token;
    private final int readiness;

    Event(long token, int readiness) {
        this.token = token;
        this.readiness = readiness;
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
     * Whether a read (or accept) would not block now: there is data, the end of the stream, or a
     * connection waiting to be accepted.
     *
     * @return whether the source is readable
     */
    public boolean isReadable() {
        return (readiness & EventSink.READABLE) != 0;
    }

    /**
     * Whether a write would not block now: there is room to send, or a non-blocking connect has
     * finished; {@code finishConnect} then tells whether it succeeded.
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
     * Whether the peer will send nothing more. A hint that not every OS gives, but never set while
     * the read side is still open.
     *
     * @return whether the read side is closed
     */
    public boolean isReadClosed() {
        return (readiness & EventSink.READ_CLOSED) != 0;
    }

    /**
     * Whether nothing more can be sent. A hint that not every OS gives, but never set while the
     * write side is still open.
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

    @Override
    public boolean equals(Object o) {
        return o instanceof Event && ((Event) o).token == token && ((Event) o).readiness == readiness;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(token) * 31 + readiness;
    }

    /** Like {@code Event{token=7, READABLE | READ_CLOSED}}. */
    @Override
    public String toString() {
        return "Event{token=" + token + ", " + describe(readiness) + "}";
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
