package io.jpoll.kqueue;

import io.jpoll.Interests;
import io.jpoll.Trigger;
import io.jpoll.spi.EventSink;

/**
 * Translation between jpoll's interests and readiness and one OS's kqueue filters and flags, in
 * one place, as {@code EpollFlags} does for epoll and {@code AfdFlags} for AFD.
 *
 * <p>Interests: READABLE is EVFILT_READ, WRITABLE is EVFILT_WRITE, each its own knote; a
 * registration's filters are a bit set of {@link Registrations#READ} and
 * {@link Registrations#WRITE}. kqueue has no out-of-band filter, so READABLE | PRIORITY watches
 * EVFILT_READ (the PRIORITY hint is never set: a hint has no false positives) and PRIORITY alone
 * is refused. Triggers: LEVEL is a plain filter, EDGE is EV_CLEAR, ONESHOT is EV_DISPATCH plus the
 * per-registration arm described in {@link Registrations}.
 *
 * <p>What a record of a registration means ({@link #readiness}):
 * <ul>
 *   <li>EVFILT_READ: readable; with EV_EOF also read-closed. The kernels set EV_EOF on a socket's
 *       read filter only once its receive side can take no more (FreeBSD {@code filt_soread} and
 *       xnu {@code filt_soread} on SBS_CANTRCVMORE / SS_CANTRCVMORE: the peer's FIN, a reset, a
 *       shutdown), never for an unconnected or a listening socket, and on a pipe once the other
 *       end is gone;</li>
 *   <li>EVFILT_WRITE: writable; with EV_EOF also write-closed (SBS_CANTSENDMORE: our shutdown, a
 *       reset; a pipe whose reader is gone). An unconnected TCP socket's write filter does not
 *       fire at all;</li>
 *   <li>EV_ERROR, or EV_EOF with a non-zero fflags (the socket error the kernel saw): error, and
 *       readable and writable for each direction the registration asked for, as epoll reports
 *       EPOLLERR: a caller waiting for either direction learns of it. A UDP socket's ICMP error
 *       (so_error without EV_EOF) fires the filters with neither flag: readable or writable, no
 *       closed flag, since the next send may well succeed;</li>
 *   <li>a closed flag for a side the descriptor does not have is dropped: xnu attaches a filter
 *       for the wrong end of a pipe that fires with EV_EOF when the pipe dies (sys_pipe.c,
 *       {@code pipe_kqfilter}), and a read end has no write side to close.</li>
 * </ul>
 */
final class KqueueFilters {
    private final KqueueConstants c;

    KqueueFilters(KqueueConstants constants) {
        this.c = constants;
    }

    /**
     * Why the kqueue backend refuses these interests, or null: it refuses PRIORITY alone. Mapping
     * it to EVFILT_READ would wake for every ordinary byte (a busy loop with LEVEL); registering
     * nothing would wait forever. Saying so is the honest answer. Every trigger is offered.
     */
    static String refusal(Interests interests) {
        return interests.isReadable() || interests.isWritable() ? null
                : "kqueue has no out-of-band filter, so PRIORITY alone cannot be watched;"
                + " register READABLE | PRIORITY, which watches readability";
    }

    /**
     * The filters for these interests, as {@link Registrations#READ} / {@link Registrations#WRITE}
     * bits; PRIORITY rides on EVFILT_READ.
     *
     * @throws IllegalArgumentException for interests the API should have {@linkplain #refusal refused}
     */
    static int of(Interests interests) {
        int filters = (interests.isReadable() ? Registrations.READ : 0)
                | (interests.isWritable() ? Registrations.WRITE : 0);
        if (filters == 0) {
            throw new IllegalArgumentException("kqueue: no filter watches " + interests + ": " + refusal(interests));
        }
        return filters;
    }

    /** The flags that give a filter this trigger. */
    int mode(Trigger trigger) {
        switch (trigger) {
            case ONESHOT:
                return c.evDispatch;
            case EDGE:
                return c.evClear;
            default:
                return 0;
        }
    }

    /** The kqueue filter of a {@link Registrations#READ} or {@link Registrations#WRITE} bit. */
    int filter(int bit) {
        return bit == Registrations.READ ? c.evfiltRead : c.evfiltWrite;
    }

    /** The {@link Registrations#READ} or {@link Registrations#WRITE} bit of EVFILT_READ or EVFILT_WRITE. */
    int bit(int filter) {
        return filter == c.evfiltRead ? Registrations.READ : Registrations.WRITE;
    }

    /** Appends one change per filter in {@code filters}, READ first, each with these flags and udata. */
    void add(ChangeBatch b, int fd, int filters, int flags, long udata) {
        if ((filters & Registrations.READ) != 0) {
            b.add(fd, c.evfiltRead, flags, 0, udata);
        }
        if ((filters & Registrations.WRITE) != 0) {
            b.add(fd, c.evfiltWrite, flags, 0, udata);
        }
    }

    /**
     * The readiness bits of one READ or WRITE record of a registration in {@code state} (its
     * {@link Registrations#hints}); 0 for any other filter.
     */
    int readiness(int filter, int flags, int fflags, long state) {
        int bits;
        boolean eof = (flags & c.evEof) != 0;
        if (filter == c.evfiltRead) {
            bits = EventSink.READABLE
                    | (eof && (state & Registrations.NO_READ_SIDE) == 0 ? EventSink.READ_CLOSED : 0);
        } else if (filter == c.evfiltWrite) {
            bits = EventSink.WRITABLE
                    | (eof && (state & Registrations.NO_WRITE_SIDE) == 0 ? EventSink.WRITE_CLOSED : 0);
        } else {
            return 0;
        }
        if ((flags & c.evError) != 0 || (eof && fflags != 0)) {
            bits |= EventSink.ERROR
                    | ((state & Registrations.WANT_READ) != 0 ? EventSink.READABLE : 0)
                    | ((state & Registrations.WANT_WRITE) != 0 ? EventSink.WRITABLE : 0);
        }
        return bits;
    }
}
