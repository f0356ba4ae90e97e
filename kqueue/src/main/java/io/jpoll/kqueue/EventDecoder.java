package io.jpoll.kqueue;

import io.jpoll.spi.EventSink;

import java.nio.ByteBuffer;

/**
 * Turns the records of one kevent() result straight into a sink's events: stale records dropped,
 * ONESHOT arms taken, and both filters of one registration merged into one event. Pure Java over
 * a byte view of the native records, so it is tested without a kqueue.
 *
 * <p>What a record means, by its knote:
 * <ul>
 *   <li>EVFILT_READ or EVFILT_WRITE of a registration: {@link KqueueFilters#readiness};</li>
 *   <li>EVFILT_USER with ident {@link #INTERRUPT_IDENT}: the selector is closing (not reported);</li>
 *   <li>EVFILT_USER with ident {@link #KICK_IDENT}: {@link ClosedWrites} has news (not reported);</li>
 *   <li>EVFILT_USER otherwise: a waker, whose token is the udata itself;</li>
 *   <li>udata {@link #PIPE_UDATA}: the wake pipe (drained through the selector's {@link Wakeup});</li>
 *   <li>EVFILT_TIMER: a timer's expiries, reported with their count by {@link Timers} (idents are
 *       timer numbers of their own: the kernel keys knotes by ident and filter);</li>
 *   <li>EVFILT_PROC, or a udata with the sign bit ({@link Processes#TAG}) other than the pipe's:
 *       a watched process exited (reported by {@link Processes}).</li>
 * </ul>
 * A new kind of knote (a timer, a process) gets its own case in {@link #decodeOne}, and its ident
 * space must not meet the ones above.
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
    private final KqueueFilters filters;
    private final Registrations registrations;
    /** Null where the selector has no timers or processes (decoder tests). */
    private final Timers timers;
    private final Processes processes;

    EventDecoder(KqueueProfile profile, Registrations registrations) {
        this(profile, registrations, null, null);
    }

    EventDecoder(KqueueProfile profile, Registrations registrations, Timers timers, Processes processes) {
        this.layout = profile.layout;
        this.c = profile.constants;
        this.filters = profile.filters;
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
            signals |= decodeOne(records, i, sink, merge);
        }
        return signals;
    }

    /** Decodes record {@code i}; the signal bits it carries, if it is one of the selector's own. */
    private int decodeOne(ByteBuffer records, int i, EventSink sink, MergeIndex merge) {
        int filter = layout.filter(records, i);
        long udata = layout.udata(records, i);
        if (filter == c.evfiltUser) {
            long ident = layout.ident(records, i);
            if (ident == INTERRUPT_IDENT) {
                return INTERRUPTED;
            }
            if (ident == KICK_IDENT) {
                return KICKED;
            }
            sink.add(udata, EventSink.READABLE);
            return 0;
        }
        if (filter == c.evfiltTimer) {
            if (timers != null) {
                timers.report(layout.ident(records, i), udata, layout.data(records, i), sink);
            }
            return 0;
        }
        if (udata == PIPE_UDATA) {
            return WAKE_PIPE;
        }
        if (filter == c.evfiltProc || udata < 0) {
            if (processes != null) {
                processes.record(udata & ~Processes.TAG, sink, merge);
            }
            return 0;
        }
        long state = registrations.current(udata);
        if (state >= 0) {
            int bits = filters.readiness(filter, layout.flags(records, i), layout.fflags(records, i), state);
            if (bits != 0) {
                deliver(udata, state, bits, sink, merge);
            }
        }
        return 0;
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
}
