package io.jpoll.kqueue;

import io.jpoll.Trigger;
import io.jpoll.spi.EventSink;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Registrations whose EVFILT_WRITE the kernel refused because the descriptor's write side was
 * already gone: a pipe whose reader has closed. FreeBSD, DragonFly and OpenBSD answer EPIPE,
 * NetBSD EBADF ({@code pipe_kqfilter} in each {@code sys_pipe.c}), where epoll reports the
 * descriptor writable with EPOLLERR and xnu attaches a filter that fires with EV_EOF. The selector
 * keeps the registration and reports the event itself, as the kernel's own EVFILT_WRITE would
 * have had the reader closed a moment later: WRITABLE | WRITE_CLOSED, on every poll for LEVEL,
 * once per register or reregister for EDGE, once per arm for ONESHOT.
 *
 * <p>Changed under the selector's lock (copy on write: rare), read by pollers without locks; an
 * empty set costs a poll one volatile read.
 */
final class ClosedWrites {
    private static final Entry[] NONE = new Entry[0];
    static final int BITS = EventSink.WRITABLE | EventSink.WRITE_CLOSED;

    private static final class Entry {
        final int slot;
        final long udata;
        final boolean edge;
        /** EDGE: not yet reported since the last register or reregister. */
        final AtomicBoolean pending = new AtomicBoolean(true);

        Entry(int slot, long udata, Trigger trigger) {
            this.slot = slot;
            this.udata = udata;
            this.edge = trigger == Trigger.EDGE;
        }
    }

    private volatile Entry[] entries = NONE;

    boolean isEmpty() {
        return entries.length == 0;
    }

    /** Whether {@code slot}'s write side is gone; under the lock. */
    boolean has(int slot) {
        for (Entry e : entries) {
            if (e.slot == slot) {
                return true;
            }
        }
        return false;
    }

    /** Records (or replaces) {@code slot}'s entry for its current arm; under the lock. */
    void put(int slot, long udata, Trigger trigger) {
        Entry[] now = without(slot);
        Entry[] grown = Arrays.copyOf(now, now.length + 1);
        grown[now.length] = new Entry(slot, udata, trigger);
        entries = grown;
    }

    /** Forgets {@code slot}; under the lock. */
    void remove(int slot) {
        if (has(slot)) {
            entries = without(slot);
        }
    }

    private Entry[] without(int slot) {
        Entry[] now = entries;
        int n = 0;
        Entry[] kept = new Entry[now.length];
        for (Entry e : now) {
            if (e.slot != slot) {
                kept[n++] = e;
            }
        }
        return n == 0 ? NONE : Arrays.copyOf(kept, n);
    }

    /**
     * Reports the entries due into {@code sink}, at most {@code limit} and as far as it has room,
     * through the decoder (so stale arms are dropped and both filters' records of one registration
     * merge). Returns how many events were added or merged into.
     */
    int report(EventDecoder decoder, EventSink sink, MergeIndex merge, int limit) {
        int reported = 0;
        for (Entry e : entries) {
            if (sink.remaining() == 0 || reported == limit) {
                break;
            }
            if (e.edge && !e.pending.compareAndSet(true, false)) {
                continue;
            }
            if (decoder.deliver(e.udata, BITS, sink, merge)) {
                reported++;
            }
        }
        return reported;
    }
}
