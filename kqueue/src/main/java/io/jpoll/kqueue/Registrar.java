package io.jpoll.kqueue;

import io.jpoll.AlreadyRegisteredException;
import io.jpoll.Interests;
import io.jpoll.NativeException;
import io.jpoll.NotRegisteredException;
import io.jpoll.Trigger;

import java.io.IOException;

/**
 * Register, reregister and deregister of descriptors: keeps {@link Registrations} and the
 * kernel's READ and WRITE knotes in step, under the selector's lock (which orders the table with
 * the kernel), and reads each change's receipt to learn which filters the kernel now holds.
 */
final class Registrar {
    /** {@link #outcome} bits: the filters held, a refused EVFILT_WRITE of a widowed pipe, the first failure. */
    private static final int PRESENT = Registrations.READ | Registrations.WRITE;
    private static final int WRITE_GONE = 4;
    private static final int FAILED_SHIFT = 8;

    private final Object lock;
    private final KqueueProfile profile;
    private final KqueueConstants c;
    private final KqueueFilters filters;
    private final Changes changes;
    private final Registrations registrations;
    private final ClosedWrites closedWrites;
    private final Wakeup wakeup;

    Registrar(Object lock, Changes changes, Registrations registrations, ClosedWrites closedWrites, Wakeup wakeup) {
        this.lock = lock;
        this.profile = changes.profile();
        this.c = profile.constants;
        this.filters = profile.filters;
        this.changes = changes;
        this.registrations = registrations;
        this.closedWrites = closedWrites;
        this.wakeup = wakeup;
    }

    void register(int fd, long token, Interests interests) throws IOException {
        int want = KqueueFilters.of(interests);
        synchronized (lock) {
            String identity = profile == KqueueProfile.LIBKQUEUE ? LinuxFdIdentity.of(fd) : null;
            int existing = registrations.slotOf(fd);
            if (existing >= 0) {
                forgetClosed(fd, token, existing, identity);
            }
            int slot = registrations.add(fd);
            registrations.identity(slot, identity);
            int sides = changes.sides(fd);
            registrations.sides(slot, sides);
            long udata = registrations.arm(slot, token, interests.trigger(), Registrations.hints(want, sides));
            boolean registered = false;
            try {
                addFilters(fd, token, want, interests.trigger(), slot, udata);
                registered = true;
            } finally {
                if (!registered) {
                    registrations.retire(fd);
                }
            }
        }
    }

    /**
     * A register of a registered fd: refused, unless the fd was closed without deregister and its
     * number reused. Then the old registration is forgotten, as epoll forgets a closed fd. BSD
     * kernels dropped its knotes at close; libkqueue keeps them, and needs EV_DELETE before the
     * new EV_ADD.
     */
    private void forgetClosed(int fd, long token, int slot, String identity) throws IOException {
        if (!closedSince(fd, slot, identity)) {
            throw new AlreadyRegisteredException("Registry.register", "fd", fd, token, null);
        }
        int had = registrations.filters(slot);
        closedWrites.remove(slot);
        registrations.retire(fd);
        if (profile == KqueueProfile.LIBKQUEUE) {
            dropFilters(fd, had);
        }
    }

    /** Adds the filters of a new registration; a failure leaves none of them behind. */
    private void addFilters(int fd, long token, int want, Trigger trigger, int slot, long udata) throws IOException {
        ChangeBatch b = changes.take();
        try {
            filters.add(b, fd, want, c.evAdd | c.evReceipt | filters.mode(trigger), udata);
            changes.submitChecked(b, fd, token);
            int outcome = outcome(b, fd, 0);
            int present = outcome & PRESENT;
            if (failed(outcome) >= 0) {
                // Undo the half that succeeded, so a failed register leaves nothing behind.
                dropFilters(fd, present);
                throw failure(b, failed(outcome), fd, token);
            }
            registrations.filters(slot, present);
            if ((outcome & WRITE_GONE) != 0) {
                closedWrites.put(slot, udata, trigger);
                try {
                    wakeup.kick();
                } catch (IOException | RuntimeException e) {
                    // A poller might never learn of it: fail the register as a whole.
                    closedWrites.remove(slot);
                    dropFilters(fd, present);
                    throw e;
                }
            }
        } finally {
            changes.give(b);
        }
    }

    void reregister(int fd, long token, Interests interests) throws IOException {
        int want = KqueueFilters.of(interests);
        Trigger trigger = interests.trigger();
        synchronized (lock) {
            int slot = registrations.slotOf(fd);
            if (slot < 0) {
                throw new NotRegisteredException("Registry.reregister", "fd", fd, token, null);
            }
            int had = registrations.filters(slot);
            boolean recreate = registrations.trigger(slot) != trigger || profile == KqueueProfile.LIBKQUEUE;
            long udata = registrations.arm(slot, token, trigger, Registrations.hints(want, registrations.sides(slot)));
            ChangeBatch b = changes.take();
            try {
                rearm(b, fd, had, want, recreate, filters.mode(trigger), udata);
                changes.submitChecked(b, fd, token);
                int outcome = outcome(b, fd, had);
                registrations.filters(slot, outcome & PRESENT);
                if ((outcome & WRITE_GONE) != 0) {
                    closedWrites.put(slot, udata, trigger);
                    wakeup.kick();
                } else {
                    closedWrites.remove(slot);
                }
                if (failed(outcome) >= 0) {
                    throw failure(b, failed(outcome), fd, token);
                }
            } finally {
                changes.give(b);
            }
        }
    }

    /**
     * The changes of a reregister from filters {@code had} to {@code want}. Whether kernels update
     * EV_CLEAR / EV_DISPATCH of an existing knote on EV_ADD differs, so a trigger change deletes and
     * re-adds ({@code recreate}); the same trigger re-adds and re-enables (EV_ENABLE undoes
     * EV_DISPATCH's disable). libkqueue only: EV_ADD on an existing socket READ/WRITE knote fails
     * unless EV_CLEAR is set (linux/read.c and write.c kn_modify return -1 without setting errno,
     * so the receipt carries a stale errno), and then keeps the old udata; the caller always
     * re-creates there.
     */
    private void rearm(ChangeBatch b, int fd, int had, int want, boolean recreate, int mode, long udata) {
        int delete = c.evDelete | c.evReceipt;
        int add = c.evAdd | c.evEnable | c.evReceipt | mode;
        for (int f = Registrations.READ; f <= Registrations.WRITE; f <<= 1) {
            boolean wanted = (want & f) != 0;
            boolean held = (had & f) != 0;
            if (held && (!wanted || recreate)) {
                b.add(fd, filters.filter(f), delete, 0, udata);
            }
            if (wanted) {
                b.add(fd, filters.filter(f), add, 0, udata);
            }
        }
    }

    /**
     * Reads the receipts of a batch of adds and deletes of {@code fd}'s filters, which held
     * {@code had} before: the filters held now, whether an EVFILT_WRITE was refused because the
     * write side is gone ({@link ClosedWrites}), and the index of the first other failure, packed
     * for {@link #failed}. A delete answered ENOENT is done: the kernel dropped the knote itself.
     */
    private int outcome(ChangeBatch b, int fd, int had) {
        int present = had;
        boolean writeGone = false;
        int failed = -1;
        for (int i = 0; i < b.count(); i++) {
            int e = b.error(i, c);
            // What was asked, not what the receipt says: see ChangeBatch.
            int f = filters.bit(b.filter(i));
            if ((b.flags(i) & c.evDelete) != 0) {
                if (e == 0 || e == Errno.ENOENT) {
                    present &= ~f;
                } else if (failed < 0) {
                    failed = i;
                }
            } else if (e == 0 || changes.ignoredOnAdd(e)) {
                present |= f;
            } else if (f == Registrations.WRITE && changes.writeSideGone(fd, e)) {
                writeGone = true;
            } else if (failed < 0) {
                failed = i;
            }
        }
        return present | (writeGone ? WRITE_GONE : 0) | (failed + 1) << FAILED_SHIFT;
    }

    /** The index of the first failed change in an {@link #outcome}, or -1. */
    private static int failed(int outcome) {
        return (outcome >>> FAILED_SHIFT) - 1;
    }

    /** The exception for change {@code i}, named by what was asked. */
    private NativeException failure(ChangeBatch b, int i, int fd, long token) {
        int e = b.error(i, c);
        boolean delete = (b.flags(i) & c.evDelete) != 0;
        return profile.errno.error(delete ? "kevent(EV_DELETE)" : "kevent(EV_ADD)", "fd", fd,
                "token=" + token, delete ? e : changes.addErrno(fd, e));
    }

    void deregister(int fd) throws IOException {
        synchronized (lock) {
            int slot = registrations.slotOf(fd);
            if (slot < 0) {
                throw new NotRegisteredException("Registry.deregister", "fd", fd, null);
            }
            int had = registrations.filters(slot);
            // Retire first: from here on, records of this registration that a poller fetched
            // already are dropped when decoded.
            closedWrites.remove(slot);
            registrations.retire(fd);
            int err = dropFilters(fd, had);
            if (err != 0) {
                throw profile.errno.error("kevent(EV_DELETE)", "fd", fd, null, err);
            }
        }
    }

    /**
     * Whether the fd registered in {@code slot} was closed (without deregister) and its number
     * reused since, so a register of the number is a new registration, not a second one.
     *
     * <p>On the BSDs and macOS, whether the kernel still holds the slot's knotes: it drops an fd's
     * knotes when the fd is closed. Each held filter is probed with a change that carries no
     * EV_ADD / EV_DELETE / EV_ENABLE / EV_DISABLE: the kernel answers ENOENT for a missing knote
     * and otherwise only re-applies the udata, fflags and data it already has (xnu
     * kevent_register's touch path, the BSDs' kqueue_register).
     *
     * <p>libkqueue keeps the knotes of closed fds (its BUGS.md) and fails such a modify of a socket
     * knote, so there the open file behind the number is compared with the one registered (see
     * {@link LinuxFdIdentity}).
     */
    private boolean closedSince(int fd, int slot, String identity) throws IOException {
        if (profile == KqueueProfile.LIBKQUEUE) {
            return LinuxFdIdentity.differ(registrations.identity(slot), identity);
        }
        int held = registrations.filters(slot);
        if (held == 0) {
            return closedWrites.has(slot) && !writeStillGone(fd);
        }
        ChangeBatch b = changes.take();
        try {
            filters.add(b, fd, held, c.evReceipt, registrations.udata(slot));
            changes.submitChecked(b, fd, Long.MIN_VALUE);
            return allAbsent(b, c);
        } finally {
            changes.give(b);
        }
    }

    /**
     * For a registration that holds no knote because its only filter, EVFILT_WRITE, was refused
     * for a widowed pipe: whether {@code fd} is still such a pipe, asked by adding a disabled
     * EVFILT_WRITE. Refused the same way: yes. Accepted: the number is another file now (the
     * probe is deleted again). Anything else (EBADF for a closed fd): no.
     */
    private boolean writeStillGone(int fd) throws IOException {
        ChangeBatch b = changes.take();
        try {
            b.add(fd, c.evfiltWrite, c.evAdd | c.evDisable | c.evReceipt, 0, 0L);
            changes.submitChecked(b, fd, Long.MIN_VALUE);
            int e = b.error(0, c);
            if (e == 0 || changes.ignoredOnAdd(e)) {
                b.clear().add(fd, c.evfiltWrite, c.evDelete | c.evReceipt, 0, 0L);
                changes.submitChecked(b, fd, Long.MIN_VALUE);
                return false;
            }
            return changes.writeSideGone(fd, e);
        } finally {
            changes.give(b);
        }
    }

    /** Whether every change of an answered batch failed with ENOENT. */
    static boolean allAbsent(ChangeBatch b, KqueueConstants c) {
        for (int i = 0; i < b.count(); i++) {
            if (b.error(i, c) != Errno.ENOENT) {
                return false;
            }
        }
        return b.count() > 0;
    }

    /** Deletes the given filters of {@code fd}; the first errno other than ENOENT, or 0. */
    private int dropFilters(int fd, int held) throws IOException {
        if (held == 0) {
            return 0;
        }
        ChangeBatch b = changes.take();
        try {
            filters.add(b, fd, held, c.evDelete | c.evReceipt, 0L);
            changes.submitChecked(b, fd, Long.MIN_VALUE);
            for (int i = 0; i < b.count(); i++) {
                int e = b.error(i, c);
                // ENOENT: the kernel dropped the knote itself when the fd was closed.
                if (e != 0 && e != Errno.ENOENT) {
                    return e;
                }
            }
            return 0;
        } finally {
            changes.give(b);
        }
    }
}
