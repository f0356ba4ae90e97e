package io.jpoll.kqueue;

import io.jpoll.Trigger;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The registrations of one selector, and the arming state that makes ONESHOT mean on kqueue what
 * it means on epoll.
 *
 * <h2>Why the backend keeps its own table</h2>
 * kqueue accepts a second EV_ADD for the same fd as a modification, and EV_DELETE of a filter that
 * was never added as ENOENT, so it cannot give the AlreadyRegistered / NotRegistered answers of
 * epoll by itself. The table maps fd to a slot; each slot holds the token and a state word.
 *
 * <h2>Why udata carries a slot and an epoch, not the token</h2>
 * Every register, reregister and deregister gives the slot a new epoch, and the kernel's
 * {@code udata} for the slot's filters is {@code epoch << 32 | slot}. A record that a poller
 * decodes is reported only if its epoch is the slot's current one. That drops, with no extra
 * system call:
 * <ul>
 *   <li>records fetched by one poller while another thread deregistered or reregistered the fd
 *       (the contract: no poll that starts after deregister returns reports the registration);</li>
 *   <li>a second filter's record from an arm that was already consumed (see ONESHOT below), even
 *       when it is decoded after a reregister opened a new arm; with the token in udata it would be
 *       indistinguishable from a fresh record and would consume the new arm with stale readiness;</li>
 *   <li>records of an old registration of a descriptor number that was closed and reused.</li>
 * </ul>
 * The token then comes from the slot, so all 64 bits of it are the user's; none is reserved.
 *
 * <h2>ONESHOT</h2>
 * epoll's EPOLLONESHOT disarms the whole registration after one event. kqueue's EV_ONESHOT works
 * per filter: with READ and WRITE, each filter fires once, so two events could reach two pollers.
 * The backend therefore registers ONESHOT filters with EV_DISPATCH (the kernel disables a filter
 * after delivering it, but keeps it, so a reregister re-enables instead of re-creating it) and keeps
 * one ARMED bit per registration. A poller that decodes a record of an armed registration must win
 * a compare-and-set that clears ARMED before it reports the event; a poller that loses, or that
 * sees the other filter fire later, drops the record (its filter is disabled by EV_DISPATCH at that
 * delivery, so it does not come back). Both filters' records in one kevent() result are merged into
 * the one event of the poller that won. Reregister sets a new epoch with ARMED and re-enables the
 * filters. Exactly one event per arm, with any number of polling threads, and no system call on
 * the poll path.
 *
 * <h2>Concurrency</h2>
 * Writers (the {@code add}, {@code arm}, {@code retire}, filter methods) run under the selector's
 * lock. Readers ({@link #current}, {@link #token}, {@link #confirm}) run lock-free in pollers. Slots
 * live in fixed-size chunks that never move, so a reader never sees a half-copied array. Token and
 * state are volatile array elements; {@link #arm} first publishes the new epoch unarmed, then the
 * token, then the armed state, so a reader that validates its epoch before and after reading the
 * token cannot pair an old epoch with a new token. Epochs have 31 bits; one would have to decode a
 * record 2^31 changes of the same slot old to confuse two of them.
 */
final class Registrations {
    static final int READ = 1;
    static final int WRITE = 2;

    /** State bits below the epoch. */
    static final long ARMED = 1;
    static final long ONESHOT = 2;
    /** What the current arm asked for, and which sides the descriptor has, for the decoder. */
    static final long WANT_READ = 4;
    static final long WANT_WRITE = 8;
    static final long NO_READ_SIDE = 16;
    static final long NO_WRITE_SIDE = 32;
    private static final long HINTS = WANT_READ | WANT_WRITE | NO_READ_SIDE | NO_WRITE_SIDE;

    private static final int CHUNK_BITS = 10;
    private static final int CHUNK = 1 << CHUNK_BITS;
    private static final int EPOCH_MASK = 0x7FFF_FFFF;
    private static final Trigger[] TRIGGERS = Trigger.values();

    private static final class Chunk {
        final AtomicLongArray tokens = new AtomicLongArray(CHUNK);
        /** {@code epoch << 32 | ONESHOT? | ARMED?}; epoch 0 never issued. */
        final AtomicLongArray states = new AtomicLongArray(CHUNK);
        /** Filters the kernel holds for the slot (READ, WRITE); under the lock. */
        final byte[] filters = new byte[CHUNK];
        /** Trigger ordinal of the slot; under the lock. */
        final byte[] triggers = new byte[CHUNK];
        /** The sides (READ, WRITE) the slot's descriptor has; under the lock. */
        final byte[] sides = new byte[CHUNK];
        /** libkqueue only: what the fd was when registered ({@link LinuxFdIdentity}); under the lock. */
        final String[] identities = new String[CHUNK];
    }

    private volatile Chunk[] chunks = new Chunk[0];
    private final FdMap slotsByFd = new FdMap();
    private int[] free = new int[16];
    private int freeCount;
    private int nextFresh;

    // ---- writer side, under the selector's lock ----

    /** Number of live registrations. */
    int size() {
        return slotsByFd.size();
    }

    /** The slot registered for {@code fd}, or -1. */
    int slotOf(int fd) {
        return slotsByFd.get(fd);
    }

    /** Takes a slot for {@code fd}, which must not be registered; publish it with {@link #arm}. */
    int add(int fd) {
        int slot;
        if (freeCount > 0) {
            slot = free[--freeCount];
        } else {
            slot = nextFresh++;
            int chunk = slot >>> CHUNK_BITS;
            Chunk[] cs = chunks;
            if (chunk >= cs.length) {
                Chunk[] grown = Arrays.copyOf(cs, cs.length + 1);
                grown[chunk] = new Chunk();
                chunks = grown;
            }
        }
        slotsByFd.put(fd, slot);
        Chunk c = chunks[slot >>> CHUNK_BITS];
        c.filters[slot & (CHUNK - 1)] = 0;
        return slot;
    }

    /**
     * The hint bits of a state word: the directions asked for ({@link #READ}, {@link #WRITE}) and
     * the sides the descriptor has (a pipe's read end has no write side).
     */
    static long hints(int wanted, int sides) {
        return ((wanted & READ) != 0 ? WANT_READ : 0) | ((wanted & WRITE) != 0 ? WANT_WRITE : 0)
                | ((sides & READ) == 0 ? NO_READ_SIDE : 0) | ((sides & WRITE) == 0 ? NO_WRITE_SIDE : 0);
    }

    /** {@link #arm(int, long, Trigger, long)} for both directions of a descriptor that has both sides. */
    long arm(int slot, long token, Trigger trigger) {
        return arm(slot, token, trigger, hints(READ | WRITE, READ | WRITE));
    }

    /**
     * Starts a new epoch for {@code slot} with this token, trigger and {@link #hints} and returns
     * the udata that the kernel must carry for it from now on.
     */
    long arm(int slot, long token, Trigger trigger, long hints) {
        Chunk c = chunks[slot >>> CHUNK_BITS];
        int i = slot & (CHUNK - 1);
        long epoch = nextEpoch(c.states.get(i));
        c.states.set(i, epoch << 32);
        c.tokens.set(i, token);
        c.states.set(i, epoch << 32 | (hints & HINTS) | (trigger == Trigger.ONESHOT ? ONESHOT | ARMED : 0));
        c.triggers[i] = (byte) trigger.ordinal();
        return epoch << 32 | slot;
    }

    /** Ends the registration of {@code fd}: a new epoch that no udata carries, and the slot is free. */
    int retire(int fd) {
        int slot = slotsByFd.remove(fd);
        Chunk c = chunks[slot >>> CHUNK_BITS];
        int i = slot & (CHUNK - 1);
        c.states.set(i, nextEpoch(c.states.get(i)) << 32);
        c.filters[i] = 0;
        c.identities[i] = null;
        if (freeCount == free.length) {
            free = Arrays.copyOf(free, free.length * 2);
        }
        free[freeCount++] = slot;
        return slot;
    }

    /** The udata the kernel carries for {@code slot}'s current epoch. */
    long udata(int slot) {
        long state = chunks[slot >>> CHUNK_BITS].states.get(slot & (CHUNK - 1));
        return (state >>> 32) << 32 | slot;
    }

    /** libkqueue only: what the slot's fd was when registered, or null. */
    String identity(int slot) {
        return chunks[slot >>> CHUNK_BITS].identities[slot & (CHUNK - 1)];
    }

    void identity(int slot, String identity) {
        chunks[slot >>> CHUNK_BITS].identities[slot & (CHUNK - 1)] = identity;
    }

    int filters(int slot) {
        return chunks[slot >>> CHUNK_BITS].filters[slot & (CHUNK - 1)];
    }

    void filters(int slot, int filters) {
        chunks[slot >>> CHUNK_BITS].filters[slot & (CHUNK - 1)] = (byte) filters;
    }

    int sides(int slot) {
        return chunks[slot >>> CHUNK_BITS].sides[slot & (CHUNK - 1)];
    }

    void sides(int slot, int sides) {
        chunks[slot >>> CHUNK_BITS].sides[slot & (CHUNK - 1)] = (byte) sides;
    }

    Trigger trigger(int slot) {
        return TRIGGERS[chunks[slot >>> CHUNK_BITS].triggers[slot & (CHUNK - 1)]];
    }

    private static long nextEpoch(long state) {
        long epoch = ((state >>> 32) + 1) & EPOCH_MASK;
        return epoch == 0 ? 1 : epoch;
    }

    // ---- reader side, lock-free ----

    /** The slot's state if {@code udata} belongs to its current epoch, else -1 (a stale record). */
    long current(long udata) {
        int slot = (int) udata;
        Chunk[] cs = chunks;
        int chunk = slot >>> CHUNK_BITS;
        if (slot < 0 || chunk >= cs.length || udata >>> 32 == 0) {
            return -1;
        }
        long state = cs[chunk].states.get(slot & (CHUNK - 1));
        return state >>> 32 == udata >>> 32 ? state : -1;
    }

    /** The token of the slot {@code udata} names; valid only once {@link #confirm} agrees. */
    long token(long udata) {
        int slot = (int) udata;
        return chunks[slot >>> CHUNK_BITS].tokens.get(slot & (CHUNK - 1));
    }

    /**
     * Whether the caller may report the record whose {@link #current} state was {@code state}:
     * the epoch is still the same, and for ONESHOT this caller took the arm. True at most once
     * per ONESHOT arm.
     */
    boolean confirm(long udata, long state) {
        int slot = (int) udata;
        AtomicLongArray states = chunks[slot >>> CHUNK_BITS].states;
        int i = slot & (CHUNK - 1);
        if ((state & ONESHOT) != 0) {
            return (state & ARMED) != 0 && states.compareAndSet(i, state, state & ~ARMED);
        }
        return states.get(i) == state;
    }
}
