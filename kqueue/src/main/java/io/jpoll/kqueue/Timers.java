package io.jpoll.kqueue;

import io.jpoll.spi.EventSink;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.LongSupplier;

/**
 * The {@link KqueueTimer}s of one selector, by their EVFILT_TIMER ident, for the decoder to find
 * without a lock, and the kqueue side that every timer shares: the unit its delays are given in
 * and the kevent() call that replaces a timer's knote.
 *
 * <h2>Idents and udata</h2>
 * A kernel keeps one knote per (ident, filter), so timer idents only have to differ from each
 * other: they are small numbers handed out here and reused after a timer closes. Each arm of a
 * timer gets a {@code udata} that no other arm of any timer of this selector ever had (a counter,
 * never 0). A record is reported only if its udata is its timer's current one, so a record fetched
 * before a set, a cancel or a close, or one of an earlier timer that had the same ident, is
 * dropped when decoded, with no system call.
 *
 * <h2>Units</h2>
 * Where the profile says so ({@link KqueueProfile#nanosecondTimers}: macOS, FreeBSD 12+,
 * libkqueue 2.6+) delays go to the kernel in nanoseconds with the OS's NOTE_NSECONDS; elsewhere in
 * the default unit, milliseconds, rounded up, so no expiry is early.
 *
 * <p>Written under this object's monitor (add, remove); read by pollers without a lock, through
 * fixed-size chunks that never move, as in {@link Registrations}.
 */
final class Timers {
    /** The kevent() call a timer needs; the selector implements it with its change batches. */
    interface Changes {
        /**
         * Deletes knote {@code ident} of EVFILT_TIMER if {@code delete} (a missing one is fine), and
         * then adds it anew if {@code addFlags != 0}, with {@code fflags}, {@code data} and
         * {@code udata}, in one kevent() call.
         *
         * @return the errno of the add (or of a delete that failed otherwise than ENOENT), or 0
         */
        int replace(long ident, boolean delete, int addFlags, int fflags, long data, long udata);
    }

    private static final int CHUNK_BITS = 10;
    private static final int CHUNK = 1 << CHUNK_BITS;

    final KqueueProfile profile;
    final KqueueConstants c;
    final Changes changes;
    /** {@code System::nanoTime}; in tests the fake kernel's clock. */
    private final LongSupplier clock;
    /** The fflags of every add: NOTE_NSECONDS, or 0 for milliseconds; set before any timer exists. */
    private int unitFlags;
    private final AtomicLong udatas = new AtomicLong(1);
    @SuppressWarnings("unchecked")
    private volatile AtomicReferenceArray<KqueueTimer>[] chunks = new AtomicReferenceArray[0];
    private int[] free = new int[16];
    private int freeCount;
    private int nextFresh;
    private int size;

    Timers(KqueueProfile profile, Changes changes, LongSupplier clock) {
        this.profile = profile;
        this.c = profile.constants;
        this.changes = changes;
        this.clock = clock;
        this.unitFlags = profile.nanosecondTimers ? c.noteNseconds : 0;
    }

    /**
     * Keeps delays in milliseconds although the profile has a nanosecond unit: for a libkqueue too
     * old to be trusted with it. Called by the selector's open, before any timer exists.
     */
    void milliseconds() {
        unitFlags = 0;
    }

    /** Whether delays go to the kernel in nanoseconds (else whole milliseconds). */
    boolean nanoseconds() {
        return unitFlags != 0;
    }

    int unitFlags() {
        return unitFlags;
    }

    /**
     * {@code nanos} (at least 1) in the kernel's unit: as is, or milliseconds rounded up, so the
     * kernel's delay is never shorter than the one asked for.
     */
    long data(long nanos) {
        if (unitFlags != 0) {
            return nanos;
        }
        return nanos / 1_000_000L + (nanos % 1_000_000L == 0 ? 0 : 1);
    }

    /** The time the kernel's timers run on, in nanoseconds ({@link System#nanoTime()}). */
    long now() {
        return clock.getAsLong();
    }

    /** A udata no arm of this selector has had. */
    long nextUdata() {
        return udatas.getAndIncrement();
    }

    /** Number of timers. */
    synchronized int size() {
        return size;
    }

    /** Makes a disarmed timer with a free ident. */
    synchronized KqueueTimer add(long token) {
        int ident;
        if (freeCount > 0) {
            ident = free[--freeCount];
        } else {
            ident = nextFresh++;
            int chunk = ident >>> CHUNK_BITS;
            AtomicReferenceArray<KqueueTimer>[] cs = chunks;
            if (chunk >= cs.length) {
                AtomicReferenceArray<KqueueTimer>[] grown = Arrays.copyOf(cs, cs.length + 1);
                grown[chunk] = new AtomicReferenceArray<>(CHUNK);
                chunks = grown;
            }
        }
        KqueueTimer t = new KqueueTimer(this, ident, token);
        chunks[ident >>> CHUNK_BITS].set(ident & (CHUNK - 1), t);
        size++;
        return t;
    }

    /** Frees {@code timer}'s ident, once its knote was deleted. */
    synchronized void remove(KqueueTimer timer) {
        int ident = timer.ident;
        AtomicReferenceArray<KqueueTimer> chunk = chunks[ident >>> CHUNK_BITS];
        if (chunk.compareAndSet(ident & (CHUNK - 1), timer, null)) {
            if (freeCount == free.length) {
                free = Arrays.copyOf(free, free.length * 2);
            }
            free[freeCount++] = ident;
            size--;
        }
    }

    /**
     * Reports the timer record {@code ident}/{@code udata} with the kernel's expiry count
     * {@code data} into {@code sink}, if it belongs to a live arm. Lock-free but for the first
     * expiry of a timer whose period differs from its delay (see {@link KqueueTimer}).
     */
    void report(long ident, long udata, long data, EventSink sink) {
        AtomicReferenceArray<KqueueTimer>[] cs = chunks;
        if (ident < 0 || (ident >>> CHUNK_BITS) >= cs.length) {
            return;
        }
        KqueueTimer t = cs[(int) (ident >>> CHUNK_BITS)].get((int) ident & (CHUNK - 1));
        if (t != null) {
            t.report(udata, data, sink);
        }
    }
}
