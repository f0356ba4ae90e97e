package io.jpoll.kqueue;

import io.jpoll.spi.EventSink;

import java.nio.ByteBuffer;

/**
 * Turns the records of one kevent() result straight into a sink's events: flags translated in one
 * place, stale records dropped, ONESHOT arms taken, and both filters of one registration merged
 * into one event. Pure Java over a byte view of the native records, so it is tested without a
 * kqueue.
 *
 * <p>What a record means:
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
 *       {@code pipe_kqfilter}), and a read end has no write side to close;</li>
 *   <li>EVFILT_USER with ident {@link #INTERRUPT_IDENT}: the selector is closing (not reported);</li>
 *   <li>EVFILT_USER with ident {@link #KICK_IDENT}: {@link ClosedWrites} has news (not reported);</li>
 *   <li>EVFILT_USER otherwise: a waker, whose token is the udata itself;</li>
 *   <li>udata {@link #PIPE_UDATA}: the wake pipe of the pipe fallback (drained by the selector);</li>
 *   <li>EVFILT_TIMER: a timer's expiries, reported with their count by {@link Timers} (idents are
 *       timer numbers of their own: the kernel keys knotes by ident and filter);</li>
 *   <li>EVFILT_PROC, or a udata with the sign bit ({@link Processes#TAG}) other than the pipe's:
 *       a watched process exited (reported by {@link Processes}).</li>
 * </ul>
 */
final class EventDecoder {
    /** Bits of {@link #decode}'s answer. */
    static final int INTERRUPTED = 1;
    static final int WAKE_PIPE = 2;
    static final int KICKED = 4;

    /** The EVFILT_USER ident of the close signal. */
    static final long INTERRUPT_IDENT = 0;
    /** The EVFILT_USER ident that wakes pollers to report {@link ClosedWrites}; wakers count from 2. */
    static final long KICK_IDENT = 1;
    static final long FIRST_WAKER_IDENT = 2;
    /** The udata of the wake pipe's read end; registrations never have the sign bit set. */
    static final long PIPE_UDATA = -1L;

    private final KeventLayout layout;
    private final KqueueConstants c;
    private final Registrations registrations;
    /** Null where the selector has no timers or processes (decoder tests). */
    private final Timers timers;
    private final Processes processes;

    EventDecoder(KeventLayout layout, KqueueConstants constants, Registrations registrations) {
        this(layout, constants, registrations, null, null);
    }

    EventDecoder(KeventLayout layout, KqueueConstants constants, Registrations registrations, Timers timers,
                 Processes processes) {
        this.layout = layout;
        this.c = constants;
        this.registrations = registrations;
        this.timers = timers;
        this.processes = processes;
    }

    /**
     * Decodes records {@code 0..n-1} of {@code records} into {@code sink}, which has room for
     * {@code n} more events. Returns {@link #INTERRUPTED} and {@link #WAKE_PIPE} bits.
     */
    int decode(ByteBuffer records, int n, EventSink sink, MergeIndex merge) {
        merge.reset();
        return decodeMore(records, n, sink, merge);
    }

    /** {@link #decode} into a poll whose merge index already holds events ({@link ClosedWrites}). */
    int decodeMore(ByteBuffer records, int n, EventSink sink, MergeIndex merge) {
        int signals = 0;
        for (int i = 0; i < n; i++) {
            int filter = layout.filter(records, i);
            long udata = layout.udata(records, i);
            if (filter == c.evfiltUser) {
                long ident = layout.ident(records, i);
                if (ident == INTERRUPT_IDENT) {
                    signals |= INTERRUPTED;
                } else if (ident == KICK_IDENT) {
                    signals |= KICKED;
                } else {
                    sink.add(udata, EventSink.READABLE);
                }
                continue;
            }
            if (filter == c.evfiltTimer) {
                if (timers != null) {
                    timers.report(layout.ident(records, i), udata, layout.data(records, i), sink);
                }
                continue;
            }
            if (filter == c.evfiltProc || (udata < 0 && udata != PIPE_UDATA)) {
                if (processes != null) {
                    processes.record(udata & ~Processes.TAG, sink, merge);
                }
                continue;
            }
            if (udata == PIPE_UDATA) {
                signals |= WAKE_PIPE;
                continue;
            }
            long state = registrations.current(udata);
            if (state < 0) {
                continue;
            }
            int bits = readiness(filter, layout.flags(records, i), layout.fflags(records, i), state);
            if (bits != 0) {
                deliver(udata, state, bits, sink, merge);
            }
        }
        return signals;
    }

    /**
     * Reports {@code bits} for the registration {@code udata} names, as a record of it would be:
     * merged into its event of this poll, or a new event if its epoch is current and (ONESHOT)
     * this caller takes the arm. Whether an event was added or merged into.
     */
    boolean deliver(long udata, int bits, EventSink sink, MergeIndex merge) {
        long state = registrations.current(udata);
        return state >= 0 && deliver(udata, state, bits, sink, merge);
    }

    private boolean deliver(long udata, long state, int bits, EventSink sink, MergeIndex merge) {
        int at = merge.get(udata);
        if (at >= 0) {
            sink.merge(at, bits);
            return true;
        }
        long token = registrations.token(udata);
        if (registrations.confirm(udata, state)) {
            merge.put(udata, sink.add(token, bits));
            return true;
        }
        return false;
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
