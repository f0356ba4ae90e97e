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

    /** @return the token given at registration (or to the waker), all 64 bits */
    public long token() {
        return token;
    }

    /** @return whether the source is readable: data, end of stream, or a connection to accept */
    public boolean isReadable() {
        return (readiness & EventSink.READABLE) != 0;
    }

    /** @return whether the source is writable: room to send, or a finished connect */
    public boolean isWritable() {
        return (readiness & EventSink.WRITABLE) != 0;
    }

    /** @return whether an error is pending on the source (a hint) */
    public boolean isError() {
        return (readiness & EventSink.ERROR) != 0;
    }

    /** @return whether the read side is closed (a hint, never a false positive) */
    public boolean isReadClosed() {
        return (readiness & EventSink.READ_CLOSED) != 0;
    }

    /** @return whether the write side is closed (a hint, never a false positive) */
    public boolean isWriteClosed() {
        return (readiness & EventSink.WRITE_CLOSED) != 0;
    }

    /** @return whether priority (out-of-band) data is readable (a hint) */
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
