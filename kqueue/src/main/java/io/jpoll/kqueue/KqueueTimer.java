package io.jpoll.kqueue;

import io.jpoll.spi.EventSink;
import io.jpoll.spi.TimerHandle;

import java.io.IOException;

/**
 * One timer as an EVFILT_TIMER knote of the selector's kqueue (ident from {@link Timers}). The
 * kernel's record of a timer carries in {@code data} how many expiries it stands for, and the
 * record is reported as one event with that count: nothing to drain.
 *
 * <h2>Arming</h2>
 * Every set deletes the knote and adds it anew in one kevent() call, with a fresh udata: the
 * delete drops an expiry the kernel has queued and not delivered yet, and the udata makes the
 * decoder drop a record of the earlier arm that a poller fetched already. (Re-adding instead of
 * modifying also keeps libkqueue right: its EV_ADD of an existing timer keeps the epoll flags the
 * knote was created with.) A kqueue timer fires every {@code data} from the EV_ADD, so:
 * <ul>
 *   <li>a single expiry is EV_ONESHOT with the delay; its count is always 1 (xnu would count how
 *       many delays have passed);</li>
 *   <li>a period equal to the delay is a plain periodic knote, exactly on time;</li>
 *   <li>any other period first arms EV_ONESHOT for the delay. The poller that decodes that first
 *       expiry, before it reports it, re-adds the knote as periodic (under this timer's lock, so a
 *       concurrent set or cancel wins or loses as a whole) and reports as many expiries as the
 *       period fits into the time since the first deadline, plus one. The kernel's k-th expiry
 *       after the re-add then comes no earlier than the ideal one it stands for, and each ideal
 *       expiry is counted once: none is early and none is lost; the ticks are late, by less than
 *       one period, by as long as the first expiry waited to be polled.</li>
 * </ul>
 * Where the kernel only has milliseconds, delays and periods are rounded up, so expiries drift
 * late by the rounding, never early.
 *
 * <h2>Concurrency</h2>
 * set, cancel and close are serialised by the API (and run under this object's monitor, as does
 * the re-add of a first expiry). {@link #current} and {@link #first} are published before the
 * kernel call that makes records with their udata exist, so a poller never drops a record of the
 * live arm; once set or cancel returned, every record of an earlier arm is either gone from the
 * kernel or dropped when decoded.
 */
final class KqueueTimer implements TimerHandle {
    private final Timers timers;
    final int ident;
    private final long token;
    /** The udata of the arm whose records are reported as they come; 0 if none. */
    private volatile long current;
    /** The udata of a pending first expiry after which the timer switches to its period; 0 if none. */
    private volatile long first;
    /** Of the arm {@link #first} names; under the monitor. */
    private long periodNanos;
    private long firstDeadline;

    KqueueTimer(Timers timers, int ident, long token) {
        this.timers = timers;
        this.ident = ident;
        this.token = token;
    }

    @Override
    public synchronized void set(long delayNanos, long periodNanos) throws IOException {
        KqueueConstants c = timers.c;
        long udata = timers.nextUdata();
        boolean direct = periodNanos == 0 || timers.data(periodNanos) == timers.data(delayNanos);
        this.periodNanos = periodNanos;
        // Read before the kernel's clock starts, so the kernel's first expiry is no earlier.
        this.firstDeadline = timers.now() + delayNanos;
        current = direct ? udata : 0;
        first = direct ? 0 : udata;
        int flags = c.evAdd | c.evReceipt | (periodNanos == 0 || !direct ? c.evOneshot : 0);
        int err = timers.changes.replace(ident, true, flags, timers.unitFlags(), timers.data(delayNanos), udata);
        if (err != 0) {
            current = 0;
            first = 0;
            throw timers.profile.errno.error("kevent(EV_ADD) EVFILT_TIMER", "timer", ident,
                    "token=" + token + " delay=" + delayNanos + "ns period=" + periodNanos + "ns", err);
        }
    }

    @Override
    public synchronized void cancel() throws IOException {
        current = 0;
        first = 0;
        int err = timers.changes.replace(ident, true, 0, 0, 0L, 0L);
        if (err != 0) {
            throw timers.profile.errno.error("kevent(EV_DELETE) EVFILT_TIMER", "timer", ident,
                    "token=" + token, err);
        }
    }

    @Override
    public synchronized void close() {
        current = 0;
        first = 0;
        // Nothing to do about a failure: the knote goes with the kqueue at the latest, and no
        // record of it is reported any more (no udata is current).
        timers.changes.replace(ident, true, 0, 0, 0L, 0L);
        timers.remove(this);
    }

    /** Reports a record of this timer if {@code udata} is a live arm's; called by pollers. */
    void report(long udata, long data, EventSink sink) {
        if (udata == 0) {
            return;
        }
        if (udata == current) {
            // A single expiry's record counts 1 whatever the kernel says (see the class comment).
            sink.add(token, EventSink.READABLE, periodic() ? Math.max(1, data) : 1);
        } else if (udata == first) {
            reportFirst(udata, sink);
        }
    }

    /** Whether the current arm repeats; a racy read is harmless (a stale record is dropped above). */
    private boolean periodic() {
        return periodNanos != 0;
    }

    private void reportFirst(long udata, EventSink sink) {
        long count;
        synchronized (this) {
            if (udata != first) {
                // A set or cancel came first: this expiry belongs to an arm that no longer exists.
                return;
            }
            long now = timers.now();
            count = 1 + (now > firstDeadline ? (now - firstDeadline) / periodNanos : 0);
            long next = timers.nextUdata();
            current = next;
            first = 0;
            KqueueConstants c = timers.c;
            // The EV_ONESHOT knote is gone with its delivery: add the periodic one.
            int err = timers.changes.replace(ident, false, c.evAdd | c.evReceipt, timers.unitFlags(),
                    timers.data(periodNanos), next);
            if (err != 0) {
                current = 0;
                // A poll cannot throw here without losing the other records it took from the
                // kernel; report this expiry and say why no more come.
                System.getLogger("io.jpoll.kqueue").log(System.Logger.Level.WARNING,
                        "jpoll: timer token=" + token + " stops after its first expiry: kevent(EV_ADD) EVFILT_TIMER "
                                + timers.profile.errno.name(err));
            }
        }
        sink.add(token, EventSink.READABLE, count);
    }
}
