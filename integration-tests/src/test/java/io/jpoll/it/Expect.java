package io.jpoll.it;

import io.jpoll.Event;

/**
 * One (token, kind) pair a test waits for. An event matches when it carries the token and has the
 * kind; other flags on the same event are allowed, as mio's tests allow them.
 */
record Expect(long token, Kind kind) {

    /** The readiness a test can wait for. */
    enum Kind {
        READABLE, WRITABLE, READ_CLOSED, WRITE_CLOSED, ERROR, PRIORITY,
        /** A failed connect: some OSes report it as writable, some as an error, some as both. */
        WRITABLE_OR_ERROR;

        boolean in(Event e) {
            return switch (this) {
                case READABLE -> e.isReadable();
                case WRITABLE -> e.isWritable();
                case READ_CLOSED -> e.isReadClosed();
                case WRITE_CLOSED -> e.isWriteClosed();
                case ERROR -> e.isError();
                case PRIORITY -> e.isPriority();
                case WRITABLE_OR_ERROR -> e.isWritable() || e.isError();
            };
        }
    }

    static Expect readable(long token) {
        return new Expect(token, Kind.READABLE);
    }

    static Expect writable(long token) {
        return new Expect(token, Kind.WRITABLE);
    }

    static Expect priority(long token) {
        return new Expect(token, Kind.PRIORITY);
    }

    static Expect readClosed(long token) {
        return new Expect(token, Kind.READ_CLOSED);
    }

    static Expect writableOrError(long token) {
        return new Expect(token, Kind.WRITABLE_OR_ERROR);
    }

    boolean matches(Event e) {
        return e.token() == token && kind.in(e);
    }

    /** Both spellings of the token, so a truncated or sign-mangled token is easy to spot. */
    @Override
    public String toString() {
        return "(" + token + " = 0x" + Long.toHexString(token) + ", " + kind + ")";
    }
}
