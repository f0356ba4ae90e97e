package io.jpoll.kqueue;

import io.jpoll.AlreadyRegisteredException;
import io.jpoll.Interests;
import io.jpoll.NativeException;
import io.jpoll.NotRegisteredException;
import io.jpoll.Trigger;
import io.jpoll.spi.BufferPool;
import io.jpoll.spi.EventSink;
import io.jpoll.spi.Selector;
import io.jpoll.spi.TimerHandle;
import io.jpoll.spi.WakerHandle;

import java.io.IOException;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One kqueue behind one Poll. Changes go to the kernel in EV_RECEIPT batches under one lock (which
 * also orders the registration table with the kernel); polls run without the lock, each on its own
 * pooled buffer, and decode straight into the caller's sink.
 *
 * <p>Triggers: LEVEL is a plain filter, EDGE is EV_CLEAR, ONESHOT is EV_DISPATCH plus the
 * per-registration arm described in {@link Registrations}.
 *
 * <p>PRIORITY: kqueue has no out-of-band filter, so READABLE | PRIORITY watches EVFILT_READ (the
 * PRIORITY hint is never set: a hint has no false positives) and PRIORITY alone is refused.
 */
final class KqueueSelector implements Selector {
    /**
     * System property: {@code pipe} makes wakers use the pipe fallback even where EVFILT_USER
     * exists; {@code user} insists on EVFILT_USER (where the kernel has it).
     */
    static final String WAKEUP_PROPERTY = "jpoll.kqueue.wakeup";

    /** libkqueue {@code include/sys/event.h.in}: EVFILT_LIBKQUEUE and its NOTE_VERSION query. */
    private static final int LIBKQUEUE_FILTER = -12;
    private static final int LIBKQUEUE_NOTE_VERSION = 0x0001;
    private static final long LIBKQUEUE_2_7 = 0x02070000L;
    /** The first libkqueue that answers NOTE_VERSION; older ones get timers in milliseconds. */
    private static final long LIBKQUEUE_2_6 = 0x02060000L;

    /** Linux errno values, for the libkqueue-only translation in {@link #addErrno}. */
    private static final int EBADF = 9;
    private static final int EFAULT = 14;

    private static final int POOLED_BUFFERS = 8;
    /** The smallest event list a poll buffer is made with (fewer re-allocations as sinks vary). */
    private static final int MIN_EVENTS = 64;
    /** The largest event list of one kevent() call; a bigger sink fills over several polls. */
    private static final int MAX_EVENTS = 4096;

    private final KqueueProfile profile;
    private final Kernel kernel;
    private final KqueueConstants c;
    private final KeventLayout layout;
    private final int kq;
    private final Registrations registrations = new Registrations();
    private final ClosedWrites closedWrites = new ClosedWrites();
    /** Whether the {@link EventDecoder#KICK_IDENT} knote exists; under the lock. */
    private boolean kickAdded;
    private final EventDecoder decoder;
    private final Timers timers;
    private final Processes processes;
    private final BufferPool<PollBuffer> pollBuffers = new BufferPool<>(POOLED_BUFFERS);
    private final BufferPool<ChangeBatch> changeBatches = new BufferPool<>(POOLED_BUFFERS);
    private final Object lock = new Object();
    private final AtomicLong nextWakerId = new AtomicLong(EventDecoder.FIRST_WAKER_IDENT);
    /**
     * The wake pipe: made at open where EVFILT_USER is missing, refused or not wanted (it then
     * carries the close signal too), or later, for wakers, once the kernel refuses more EVFILT_USER
     * knotes (OpenBSD's per-process cap). Null until then; set once, under the lock.
     */
    private volatile WakePipe pipe;
    /** Whether the close signal goes through {@link #pipe} rather than an EVFILT_USER knote. */
    private final boolean pipeInterrupt;
    /** libkqueue before 2.7 (with the pipe): lets changes past a waiting poller; null otherwise. */
    private final ChangeHandoff handoff;
    private volatile boolean interrupted;

    private KqueueSelector(KqueueProfile profile, Kernel kernel, int kq, WakePipe pipe, boolean waitHoldsLock) {
        this.profile = profile;
        this.kernel = kernel;
        this.c = profile.constants;
        this.layout = profile.layout;
        this.kq = kq;
        this.pipe = pipe;
        this.pipeInterrupt = pipe != null;
        this.handoff = pipe != null && waitHoldsLock ? new ChangeHandoff(pipe) : null;
        this.timers = new Timers(profile, this::replaceTimer);
        this.processes = new Processes(profile, new ProcessHost(), kernel,
                kernel instanceof Pidfds ? (Pidfds) kernel : Pidfds.NATIVE);
        this.decoder = new EventDecoder(layout, c, registrations, timers, processes);
    }

    static KqueueSelector open(KqueueProfile profile) throws IOException {
        return open(profile, Kernel.NATIVE);
    }

    /** Opens a selector over {@code kernel}: the real one, or in tests a fake. */
    static KqueueSelector open(KqueueProfile profile, Kernel kernel) throws IOException {
        int kq = kernel.kqueue();
        if (kq < 0) {
            throw error(profile, "kqueue", null, -1, null, kernel.errno());
        }
        KqueueSelector selector = null;
        WakePipe pipe = null;
        try {
            if (kernel.fcntl(kq, KqueueConstants.F_SETFD, KqueueConstants.FD_CLOEXEC) < 0) {
                throw error(profile, "fcntl(F_SETFD, FD_CLOEXEC)", "fd", kq, null, kernel.errno());
            }
            selector = new KqueueSelector(profile, kernel, kq, null, false);
            long version = profile == KqueueProfile.LIBKQUEUE ? selector.libkqueueVersion() : 0;
            boolean waitHoldsLock = profile == KqueueProfile.LIBKQUEUE && version < LIBKQUEUE_2_7;
            boolean msTimers = profile == KqueueProfile.LIBKQUEUE && version < LIBKQUEUE_2_6;
            if (msTimers) {
                selector.timers.milliseconds();
            }
            if (selector.wantsUserFilter(waitHoldsLock) && selector.addInterruptFilter()) {
                return selector;
            }
            // No EVFILT_USER (refused, unsafe on this libkqueue, or not wanted): the wake pipe.
            selector.freeBuffers();
            pipe = WakePipe.open(profile, kernel);
            selector = new KqueueSelector(profile, kernel, kq, pipe, waitHoldsLock);
            if (msTimers) {
                selector.timers.milliseconds();
            }
            selector.requireDispatch(pipe.writeFd(), profile.constants.evfiltWrite);
            selector.addWakePipe(pipe);
            return selector;
        } catch (IOException | RuntimeException | Error e) {
            if (selector != null) {
                selector.freeBuffers();
            }
            if (pipe != null) {
                pipe.close();
            }
            kernel.close(kq);
            kernel.drainPendingClose();
            throw e;
        }
    }

    /**
     * Whether to wake through EVFILT_USER: yes, unless {@value #WAKEUP_PROPERTY} says {@code pipe},
     * or this is a libkqueue before 2.7.0. Those hold the kqueue's mutex for as long as a poller
     * waits (common/kevent.c; 2.7.0 drops it, KEVENT_WAIT_DROP_LOCK), so a NOTE_TRIGGER from
     * another thread, and the close signal, would wait for that poller: poll(null) never ends.
     * A pipe write takes no such lock (and {@link ChangeHandoff} lets changes past the waiter).
     */
    private boolean wantsUserFilter(boolean waitHoldsLock) {
        String wanted = System.getProperty(WAKEUP_PROPERTY, "");
        if (wanted.equals("pipe")) {
            return false;
        }
        return wanted.equals("user") || !waitHoldsLock;
    }

    /** libkqueue's EVFILT_LIBKQUEUE / NOTE_VERSION, as {@code MMmmpprr}; 0 if it does not answer. */
    private long libkqueueVersion() {
        ChangeBatch b = takeChanges();
        try {
            b.add(0, LIBKQUEUE_FILTER, c.evAdd, LIBKQUEUE_NOTE_VERSION, 0L);
            // The answer comes back in the record itself, without EV_ERROR; a refusal with it.
            if (b.submit(kq) != 1 || b.error(0, c) != 0) {
                return 0;
            }
            return layout.data(b.view(), 0);
        } finally {
            giveChanges(b);
        }
    }

    /**
     * Adds the EVFILT_USER knote that {@link #interrupt()} triggers. Level-triggered on purpose
     * (no EV_CLEAR): once triggered it stays pending, so every poller, now or later, sees it.
     * False where the kernel refuses EVFILT_USER: EINVAL where it lacks it (older OpenBSD and
     * NetBSD), ENOMEM where the process holds as many as it may (OpenBSD's kq_usereventsmax,
     * 1024 EVFILT_USER and EVFILT_TIMER knotes per process): use the pipe.
     *
     * <p>The knote is first added with EV_DISPATCH and triggered, for {@link #requireDispatch},
     * then replaced by the plain one.
     */
    private boolean addInterruptFilter() throws IOException {
        ChangeBatch b = takeChanges();
        try {
            long ident = EventDecoder.INTERRUPT_IDENT;
            b.add(ident, c.evfiltUser, c.evAdd | c.evDispatch | c.evReceipt, 0, 0L)
                    .add(ident, c.evfiltUser, c.evReceipt, c.noteTrigger, 0L);
            int err = submit(b);
            if (userFilterRefused(err)) {
                return false;
            }
            if (err != 0) {
                throw error(profile, "kevent(EV_ADD) EVFILT_USER", null, -1, null, err);
            }
            requireDispatch(ident, c.evfiltUser);
            b.clear().add(ident, c.evfiltUser, c.evAdd | c.evReceipt, 0, 0L);
            err = submit(b);
            // Another thread of the process may have taken the last EVFILT_USER knote meanwhile.
            if (userFilterRefused(err)) {
                return false;
            }
            if (err != 0) {
                throw error(profile, "kevent(EV_ADD) EVFILT_USER", null, -1, null, err);
            }
            return true;
        } finally {
            giveChanges(b);
        }
    }

    /** EINVAL: no EVFILT_USER here; ENOMEM: no more of them for this process (OpenBSD). */
    private static boolean userFilterRefused(int err) {
        return err == KqueueProfile.EINVAL || err == KqueueProfile.ENOMEM;
    }

    /**
     * Refuses a kernel that ignores EV_DISPATCH. Kernels ignore flag bits they do not know (OpenBSD
     * before EV_DISPATCH masked only EV_SYSFLAGS), and there a ONESHOT filter stays enabled after
     * its event: every later kevent() returns its record only for the decoder to drop it, and a
     * poll spins until its timeout. The knote {@code ident}/{@code filter} is ready at once (a
     * triggered EVFILT_USER, or the write end of an empty pipe) and was added with EV_DISPATCH;
     * the first poll must see it and the second must not. The knote is deleted afterwards.
     */
    private void requireDispatch(long ident, int filter) throws IOException {
        PollBuffer buffer = takePollBuffer(MIN_EVENTS);
        ChangeBatch b = takeChanges();
        try {
            if (filter != c.evfiltUser) {
                b.add(ident, filter, c.evAdd | c.evDispatch | c.evReceipt, 0, 0L);
                int err = submit(b);
                if (err != 0) {
                    throw error(profile, "kevent(EV_ADD) EV_DISPATCH check", "fd", ident, null, err);
                }
            }
            boolean first = delivered(buffer, ident, filter);
            boolean second = delivered(buffer, ident, filter);
            b.clear().add(ident, filter, c.evDelete | c.evReceipt, 0, 0L);
            submit(b);
            if (!first) {
                throw new IOException("kqueue: a ready knote added with EV_DISPATCH was not delivered;"
                        + " this kernel cannot be relied on for ONESHOT");
            }
            if (second) {
                throw new IOException("kqueue: this kernel ignores EV_DISPATCH (a dispatched knote fired twice),"
                        + " which ONESHOT needs; refusing to open rather than spin in poll");
            }
        } finally {
            giveChanges(b);
            givePollBuffer(buffer);
        }
    }

    /** Polls without waiting; whether a record of {@code ident}/{@code filter} came back. */
    private boolean delivered(PollBuffer buffer, long ident, int filter) throws NativeException {
        int n;
        while ((n = kernel.kevent(kq, 0L, 0, buffer.address(), buffer.capacity(), buffer.timeout(0))) < 0) {
            int err = kernel.errno();
            if (err != KqueueProfile.EINTR) {
                throw error(profile, "kevent(wait)", "kq", kq, null, err);
            }
        }
        for (int i = 0; i < n; i++) {
            if (layout.ident(buffer.view(), i) == ident && layout.filter(buffer.view(), i) == filter) {
                return true;
            }
        }
        return false;
    }

    /** Registers a wake pipe's read end, level-triggered, for the same reason as above. */
    private void addWakePipe(WakePipe p) throws IOException {
        ChangeBatch b = takeChanges();
        try {
            b.add(p.readFd(), c.evfiltRead, c.evAdd | c.evReceipt, 0, EventDecoder.PIPE_UDATA);
            int err = submit(b);
            if (err != 0) {
                throw error(profile, "kevent(EV_ADD) wake pipe", "fd", p.readFd(), null, err);
            }
        } finally {
            giveChanges(b);
        }
    }

    /**
     * The wake pipe for wakers the kernel has no EVFILT_USER knote for, made and registered on
     * first need.
     */
    private WakePipe overflowPipe() throws IOException {
        synchronized (lock) {
            WakePipe p = pipe;
            if (p == null) {
                p = WakePipe.open(profile, kernel);
                try {
                    addWakePipe(p);
                } catch (IOException | RuntimeException e) {
                    p.close();
                    throw e;
                }
                pipe = p;
            }
            return p;
        }
    }

    @Override
    public boolean supports(Trigger trigger) {
        return true;
    }

    @Override
    public void register(long handle, long token, Interests interests) throws IOException {
        int fd = fd(handle);
        int want = filtersOf("Registry.register", fd, token, interests);
        int mode = modeFlags(interests.trigger());
        synchronized (lock) {
            String identity = profile == KqueueProfile.LIBKQUEUE ? LinuxFdIdentity.of(fd) : null;
            int existing = registrations.slotOf(fd);
            if (existing >= 0) {
                if (!closedSince(fd, existing, identity)) {
                    throw new AlreadyRegisteredException("Registry.register fd=" + fd + " token=" + token
                            + ": already registered with this Poll");
                }
                // The fd was closed without deregister and its number reused: forget the old
                // registration, as epoll forgets a closed fd. BSD kernels dropped its knotes at
                // close; libkqueue keeps them, and needs EV_DELETE before the new EV_ADD.
                int had = registrations.filters(existing);
                closedWrites.remove(existing);
                registrations.retire(fd);
                if (profile == KqueueProfile.LIBKQUEUE) {
                    dropFilters(fd, had);
                }
            }
            int slot = registrations.add(fd);
            registrations.identity(slot, identity);
            int sides = sidesOf(fd);
            registrations.sides(slot, sides);
            long udata = registrations.arm(slot, token, interests.trigger(), Registrations.hints(want, sides));
            boolean registered = false;
            ChangeBatch b = takeChanges();
            try {
                addFilters(b, fd, want, c.evAdd | c.evReceipt | mode, udata);
                checkedSubmit(b, fd, token);
                int err = 0;
                int present = 0;
                boolean writeGone = false;
                for (int i = 0; i < b.count(); i++) {
                    int e = b.error(i, c);
                    if (e == 0 || ignoredOnAdd(e)) {
                        present |= bit(b.filter(i));
                    } else if (b.filter(i) == c.evfiltWrite && writeSideGone(fd, e)) {
                        writeGone = true;
                    } else if (err == 0) {
                        err = e;
                    }
                }
                if (err != 0) {
                    // Undo the half that succeeded, so a failed register leaves nothing behind.
                    dropFilters(fd, present);
                    throw error(profile, "kevent(EV_ADD)", "fd", fd, "token=" + token, addErrno(fd, err));
                }
                registrations.filters(slot, present);
                if (writeGone) {
                    closedWrites.put(slot, udata, interests.trigger());
                    try {
                        kick();
                    } catch (IOException | RuntimeException e) {
                        // A poller might never learn of it: fail the register as a whole.
                        closedWrites.remove(slot);
                        dropFilters(fd, present);
                        throw e;
                    }
                }
                registered = true;
            } finally {
                giveChanges(b);
                if (!registered) {
                    registrations.retire(fd);
                }
            }
        }
    }

    @Override
    public void reregister(long handle, long token, Interests interests) throws IOException {
        int fd = fd(handle);
        int want = filtersOf("Registry.reregister", fd, token, interests);
        int mode = modeFlags(interests.trigger());
        synchronized (lock) {
            int slot = registrations.slotOf(fd);
            if (slot < 0) {
                throw new NotRegisteredException("Registry.reregister fd=" + fd + " token=" + token
                        + ": not registered with this Poll");
            }
            int had = registrations.filters(slot);
            // Whether kernels update EV_CLEAR / EV_DISPATCH of an existing knote on EV_ADD differs,
            // so a trigger change deletes and re-adds; the same trigger re-adds and re-enables
            // (EV_ENABLE undoes EV_DISPATCH's disable).
            // libkqueue only: EV_ADD on an existing socket READ/WRITE knote fails unless EV_CLEAR
            // is set (linux/read.c and write.c kn_modify return -1 without setting errno, so the
            // receipt carries a stale errno), and then keeps the old udata. Always re-create there.
            boolean recreate = registrations.trigger(slot) != interests.trigger()
                    || profile == KqueueProfile.LIBKQUEUE;
            long udata = registrations.arm(slot, token, interests.trigger(),
                    Registrations.hints(want, registrations.sides(slot)));
            ChangeBatch b = takeChanges();
            try {
                int delete = c.evDelete | c.evReceipt;
                int add = c.evAdd | c.evEnable | c.evReceipt | mode;
                for (int f = Registrations.READ; f <= Registrations.WRITE; f <<= 1) {
                    boolean wanted = (want & f) != 0;
                    boolean held = (had & f) != 0;
                    if (held && (!wanted || recreate)) {
                        b.add(fd, filter(f), delete, 0, udata);
                    }
                    if (wanted) {
                        b.add(fd, filter(f), add, 0, udata);
                    }
                }
                checkedSubmit(b, fd, token);
                int present = had;
                int err = 0;
                String op = null;
                boolean writeGone = false;
                for (int i = 0; i < b.count(); i++) {
                    int e = b.error(i, c);
                    // What was asked, not what the receipt says: see ChangeBatch.
                    boolean isDelete = (b.flags(i) & c.evDelete) != 0;
                    int f = bit(b.filter(i));
                    if (isDelete) {
                        if (e == 0 || e == KqueueProfile.ENOENT) {
                            present &= ~f;
                        } else if (err == 0) {
                            err = e;
                            op = "kevent(EV_DELETE)";
                        }
                    } else if (e == 0 || ignoredOnAdd(e)) {
                        present |= f;
                    } else if (f == Registrations.WRITE && writeSideGone(fd, e)) {
                        writeGone = true;
                    } else if (err == 0) {
                        err = addErrno(fd, e);
                        op = "kevent(EV_ADD)";
                    }
                }
                registrations.filters(slot, present);
                if (writeGone) {
                    closedWrites.put(slot, udata, interests.trigger());
                    kick();
                } else {
                    closedWrites.remove(slot);
                }
                if (err != 0) {
                    throw error(profile, op, "fd", fd, "token=" + token, err);
                }
            } finally {
                giveChanges(b);
            }
        }
    }

    @Override
    public void deregister(long handle) throws IOException {
        int fd = fd(handle);
        synchronized (lock) {
            int slot = registrations.slotOf(fd);
            if (slot < 0) {
                throw new NotRegisteredException("Registry.deregister fd=" + fd
                        + ": not registered with this Poll");
            }
            int had = registrations.filters(slot);
            // Retire first: from here on, records of this registration that a poller fetched
            // already are dropped when decoded.
            closedWrites.remove(slot);
            registrations.retire(fd);
            int err = dropFilters(fd, had);
            if (err != 0) {
                throw error(profile, "kevent(EV_DELETE)", "fd", fd, null, err);
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
        ChangeBatch b = takeChanges();
        try {
            addFilters(b, fd, held, c.evReceipt, registrations.udata(slot));
            checkedSubmit(b, fd, Long.MIN_VALUE);
            return allAbsent(b, c);
        } finally {
            giveChanges(b);
        }
    }

    /**
     * For a registration that holds no knote because its only filter, EVFILT_WRITE, was refused
     * for a widowed pipe: whether {@code fd} is still such a pipe, asked by adding a disabled
     * EVFILT_WRITE. Refused the same way: yes. Accepted: the number is another file now (the
     * probe is deleted again). Anything else (EBADF for a closed fd): no.
     */
    private boolean writeStillGone(int fd) throws IOException {
        ChangeBatch b = takeChanges();
        try {
            b.add(fd, c.evfiltWrite, c.evAdd | c.evDisable | c.evReceipt, 0, 0L);
            checkedSubmit(b, fd, Long.MIN_VALUE);
            int e = b.error(0, c);
            if (e == 0 || ignoredOnAdd(e)) {
                b.clear().add(fd, c.evfiltWrite, c.evDelete | c.evReceipt, 0, 0L);
                checkedSubmit(b, fd, Long.MIN_VALUE);
                return false;
            }
            return writeSideGone(fd, e);
        } finally {
            giveChanges(b);
        }
    }

    /** Whether every change of an answered batch failed with ENOENT. */
    static boolean allAbsent(ChangeBatch b, KqueueConstants c) {
        for (int i = 0; i < b.count(); i++) {
            if (b.error(i, c) != KqueueProfile.ENOENT) {
                return false;
            }
        }
        return b.count() > 0;
    }

    /** Deletes the given filters of {@code fd}; the first errno other than ENOENT, or 0. */
    private int dropFilters(int fd, int filters) throws IOException {
        if (filters == 0) {
            return 0;
        }
        ChangeBatch b = takeChanges();
        try {
            addFilters(b, fd, filters, c.evDelete | c.evReceipt, 0L);
            checkedSubmit(b, fd, Long.MIN_VALUE);
            for (int i = 0; i < b.count(); i++) {
                int e = b.error(i, c);
                // ENOENT: the kernel dropped the knote itself when the fd was closed.
                if (e != 0 && e != KqueueProfile.ENOENT) {
                    return e;
                }
            }
            return 0;
        } finally {
            giveChanges(b);
        }
    }

    @Override
    public void select(EventSink sink, long timeoutNanos) throws IOException {
        if (interrupted || sink.remaining() == 0) {
            return;
        }
        PollBuffer buffer = takePollBuffer(Math.min(sink.remaining(), MAX_EVENTS));
        try {
            long maxNanos = profile.maxTimeoutSeconds * 1_000_000_000L;
            long remaining = timeoutNanos >= maxNanos ? -1 : timeoutNanos;
            long deadline = remaining > 0 ? System.nanoTime() + remaining : 0;
            int before = sink.size();
            MergeIndex merge = buffer.merge();
            for (;;) {
                merge.reset();
                int wanted = Math.min(sink.remaining(), buffer.capacity());
                long wait = remaining;
                int known = closedWrites.isEmpty() ? 0 : closedWrites.report(decoder, sink, merge, wanted);
                if (!processes.noExits()) {
                    known += processes.report(sink, merge, Math.min(sink.remaining(), buffer.capacity() - merge.size()));
                }
                if (known > 0) {
                    wait = 0; // events to return already: only collect what else is ready
                    wanted = Math.min(sink.remaining(), buffer.capacity() - merge.size());
                    if (wanted == 0) {
                        return;
                    }
                }
                int signals = 0;
                int n = kernel.kevent(kq, 0L, 0, buffer.address(), wanted, buffer.timeout(wait));
                if (n < 0) {
                    int err = kernel.errno();
                    if (err != KqueueProfile.EINTR) {
                        throw error(profile, "kevent(wait)", "kq", kq, null, err);
                    }
                } else if (n > 0) {
                    signals = decoder.decodeMore(buffer.view(), n, sink, merge);
                    // While a change waits for the mutex, leave the pipe readable (see ChangeHandoff).
                    if ((signals & EventDecoder.WAKE_PIPE) != 0 && !interrupted
                            && (handoff == null || !handoff.changesWaiting())) {
                        pipe.collect(sink); // a record of the pipe means the pipe exists
                    }
                }
                if (sink.size() > before || (signals & EventDecoder.INTERRUPTED) != 0) {
                    return;
                }
                // Nothing to report: a timeout, a signal, a kick, or only stale / disarmed records.
                if (interrupted || remaining == 0) {
                    return;
                }
                if (handoff != null) {
                    handoff.letChangesThrough();
                }
                if (remaining > 0) {
                    remaining = deadline - System.nanoTime();
                    if (remaining <= 0) {
                        return;
                    }
                }
            }
        } finally {
            givePollBuffer(buffer);
        }
    }

    /**
     * Wakes the pollers, so a waiting one reports {@link ClosedWrites}' news: the wake pipe where
     * the selector has one, else an EVFILT_USER knote with EV_CLEAR, made on first need. Under
     * the lock.
     */
    private void kick() throws IOException {
        WakePipe p = pipe;
        if (p != null) {
            p.signal();
            return;
        }
        ChangeBatch b = takeChanges();
        try {
            long ident = EventDecoder.KICK_IDENT;
            if (!kickAdded) {
                b.add(ident, c.evfiltUser, c.evAdd | c.evClear | c.evReceipt, 0, 0L);
            }
            b.add(ident, c.evfiltUser, c.evReceipt, c.noteTrigger, 0L);
            int err = submit(b);
            if (err == 0) {
                kickAdded = true;
            } else if (userFilterRefused(err)) {
                overflowPipe().signal();
            } else {
                throw error(profile, "kevent(NOTE_TRIGGER)", null, -1, "kick", err);
            }
        } finally {
            giveChanges(b);
        }
    }

    @Override
    public WakerHandle newWaker(long token) throws IOException {
        if (pipeInterrupt) {
            return pipe.newWaker(token);
        }
        long id = nextWakerId.getAndIncrement();
        ChangeBatch b = takeChanges();
        try {
            // EV_CLEAR: a delivery resets the trigger, so wakes before the next poll merge.
            b.add(id, c.evfiltUser, c.evAdd | c.evClear | c.evReceipt, 0, token);
            int err = submit(b);
            if (userFilterRefused(err)) {
                return overflowPipe().newWaker(token);
            }
            if (err != 0) {
                throw error(profile, "kevent(EV_ADD) EVFILT_USER", null, -1, "waker=" + id + " token=" + token, err);
            }
        } finally {
            giveChanges(b);
        }
        return new UserWaker(id, token);
    }

    /** A waker on its own EVFILT_USER knote (ident = a per-selector id, udata = the token). */
    private final class UserWaker implements WakerHandle {
        private final long id;
        private final long token;

        UserWaker(long id, long token) {
            this.id = id;
            this.token = token;
        }

        @Override
        public void wake() throws IOException {
            int err = trigger(id, token);
            if (err != 0) {
                throw error(profile, "kevent(NOTE_TRIGGER)", null, -1, "waker=" + id + " token=" + token, err);
            }
        }

        @Override
        public void close() {
            ChangeBatch b = takeChanges();
            try {
                b.add(id, c.evfiltUser, c.evDelete | c.evReceipt, 0, token);
                // Nothing to do about a failure here: the knote goes with the kqueue at the latest.
                submit(b);
            } finally {
                giveChanges(b);
            }
        }
    }

    @Override
    public void registerProcess(ProcessHandle process, long token, Interests interests) throws IOException {
        synchronized (lock) {
            processes.register(process, token, interests);
        }
    }

    @Override
    public void reregisterProcess(ProcessHandle process, long token, Interests interests) throws IOException {
        synchronized (lock) {
            processes.reregister(process, token, interests);
        }
    }

    @Override
    public void deregisterProcess(ProcessHandle process) throws IOException {
        synchronized (lock) {
            processes.deregister(process);
        }
    }

    /** {@link Processes.Host}: single changes, and the kick, under the lock. */
    private final class ProcessHost implements Processes.Host {
        @Override
        public int change(long ident, int filter, int flags, int fflags, long udata) {
            ChangeBatch b = takeChanges();
            try {
                b.add(ident, filter, flags, fflags, udata);
                int r = submitThroughHandoff(b);
                if (r < 0) {
                    int err = kernel.errno();
                    if (err != KqueueProfile.EINTR) {
                        return err;
                    }
                }
                return b.error(0, c);
            } finally {
                giveChanges(b);
            }
        }

        @Override
        public void kick() throws IOException {
            KqueueSelector.this.kick();
        }
    }

    @Override
    public TimerHandle newTimer(long token) {
        return timers.add(token);
    }

    /** {@link Timers.Changes}: one kevent() call with a delete and / or an add of a timer knote. */
    private int replaceTimer(long ident, boolean delete, int addFlags, int fflags, long data, long udata) {
        ChangeBatch b = takeChanges();
        try {
            if (delete) {
                b.add(ident, c.evfiltTimer, c.evDelete | c.evReceipt, 0, 0L);
            }
            if (addFlags != 0) {
                b.add(ident, c.evfiltTimer, addFlags, fflags, data, udata);
            }
            int r = submitThroughHandoff(b);
            if (r < 0) {
                int err = kernel.errno();
                if (err != KqueueProfile.EINTR) {
                    return err;
                }
            }
            for (int i = 0; i < b.count(); i++) {
                int e = b.error(i, c);
                boolean missing = e == KqueueProfile.ENOENT && (b.flags(i) & c.evDelete) != 0;
                if (e != 0 && !missing) {
                    return e;
                }
            }
            return 0;
        } finally {
            giveChanges(b);
        }
    }

    /**
     * The kqueue's own descriptor, which the BSD kernels and xnu make readable while events are
     * pending (kqueue's own EVFILT_READ / poll support). None over libkqueue: the descriptor its
     * kqueue() returns is the write end of a pipe that only tells its monitor thread of a close
     * (linux/platform.c, {@code kq_id = pipefd[1]}), never readable, and the epoll descriptor
     * behind it is not exposed.
     */
    @Override
    public OptionalInt descriptor() {
        return profile == KqueueProfile.LIBKQUEUE ? OptionalInt.empty() : OptionalInt.of(kq);
    }

    /** Triggers the EVFILT_USER knote {@code ident}; its errno or 0. No EV_ADD: never revives a deleted knote. */
    private int trigger(long ident, long udata) {
        ChangeBatch b = takeChanges();
        try {
            b.add(ident, c.evfiltUser, c.evReceipt, c.noteTrigger, udata);
            return submit(b);
        } finally {
            giveChanges(b);
        }
    }

    @Override
    public void interrupt() {
        interrupted = true;
        if (pipeInterrupt) {
            pipe.interrupt();
            return;
        }
        // The close signal's knote was added at open, so triggering it asks the kernel for nothing
        // new; should it fail anyway, say so (the SPI forbids throwing here): pollers with a
        // timeout still return, and the gate names any that stay.
        int err = trigger(EventDecoder.INTERRUPT_IDENT, 0L);
        if (err != 0) {
            System.getLogger("io.jpoll.kqueue").log(System.Logger.Level.WARNING,
                    "jpoll: cannot signal close to pollers: kevent(NOTE_TRIGGER) " + profile.errno.name(err));
        }
    }

    @Override
    public void close() {
        if (!pipeInterrupt && profile == KqueueProfile.LIBKQUEUE) {
            // libkqueue gives each EVFILT_USER knote an eventfd and frees a closed kqueue's knotes
            // later, from its monitor thread; delete the close signal's now, so its eventfd is
            // closed by the time close() returns, like the wakers' (deleted by their close()).
            ChangeBatch b = takeChanges();
            try {
                b.add(EventDecoder.INTERRUPT_IDENT, c.evfiltUser, c.evDelete | c.evReceipt, 0, 0L);
                submit(b);
            } finally {
                giveChanges(b);
            }
        }
        kernel.close(kq);
        // libkqueue frees the kqueue's own descriptors later, on its monitor thread: wait for
        // that, so none of them is still open (and then closed under a new owner) after close().
        kernel.drainPendingClose();
        // After the kqueue: libkqueue keeps knotes of closed descriptors, so its pidfd knotes
        // are gone only with the kqueue.
        processes.close();
        WakePipe p = pipe;
        if (p != null) {
            p.close();
        }
        freeBuffers();
    }

    private void freeBuffers() {
        pollBuffers.drain(PollBuffer::free);
        changeBatches.drain(ChangeBatch::free);
    }

    // ---- helpers ----

    /**
     * Submits a batch; the errno of the first change that failed (0 if none). A failure of the
     * call as a whole is returned too; EINTR counts as success because the kernel applied every
     * change before it (FreeBSD kevent(2)), and unwritten receipts read as success.
     */
    private int submit(ChangeBatch b) {
        int r = b.submit(kq);
        if (r < 0) {
            int err = kernel.errno();
            if (err != KqueueProfile.EINTR) {
                return err;
            }
        }
        for (int i = 0; i < b.count(); i++) {
            int err = b.error(i, c);
            if (err != 0) {
                return err;
            }
        }
        return 0;
    }

    /** Submits a batch whose receipts the caller inspects; throws if the call as a whole failed. */
    private void checkedSubmit(ChangeBatch b, int fd, long token) throws NativeException {
        int r = submitThroughHandoff(b);
        if (r < 0) {
            int err = kernel.errno();
            if (err != KqueueProfile.EINTR) {
                String op = c.operation(b.flags(0), 0);
                throw error(profile, op, "fd", fd, token == Long.MIN_VALUE ? null : "token=" + token, err);
            }
        }
    }

    /** Submits a batch, first letting it past a waiting poller where {@link ChangeHandoff} must. */
    private int submitThroughHandoff(ChangeBatch b) {
        if (handoff == null) {
            return b.submit(kq);
        }
        handoff.announce();
        try {
            return b.submit(kq);
        } finally {
            handoff.done();
        }
    }

    /**
     * The errno to report for a refused EV_ADD. libkqueue before 2.7 answers every failed knote
     * creation with EFAULT (common/kevent.c overwrites the filter's errno), so there a closed or
     * never-opened fd is told apart with fcntl(F_GETFD), which fails with EBADF for it.
     */
    private int addErrno(int fd, int err) {
        if (profile == KqueueProfile.LIBKQUEUE && err == EFAULT
                && kernel.fcntl(fd, KqueueConstants.F_GETFD) < 0 && kernel.errno() == EBADF) {
            return EBADF;
        }
        return err;
    }

    /**
     * The sides (READ, WRITE) {@code fd} has, from its access mode: a pipe's read end is
     * O_RDONLY on every OS here but FreeBSD and DragonFly (whose pipes are bidirectional), and
     * never has its write side closed. Both, where the mode cannot be read.
     */
    private int sidesOf(int fd) {
        int fl = kernel.fcntl(fd, KqueueConstants.F_GETFL);
        if (fl < 0) {
            return Registrations.READ | Registrations.WRITE;
        }
        switch (fl & KqueueConstants.O_ACCMODE) {
            case KqueueConstants.O_RDONLY:
                return Registrations.READ;
            case KqueueConstants.O_WRONLY:
                return Registrations.WRITE;
            default:
                return Registrations.READ | Registrations.WRITE;
        }
    }

    /**
     * Whether a refused EV_ADD of EVFILT_WRITE means the descriptor's write side is gone, a pipe
     * whose reader has closed: EPIPE on FreeBSD, DragonFly and OpenBSD; EBADF on NetBSD, told from
     * a closed descriptor by fcntl(F_GETFD) (sys_pipe.c, pipe_kqfilter, in each). See
     * {@link ClosedWrites}.
     */
    private boolean writeSideGone(int fd, int err) {
        if (err == KqueueProfile.EPIPE) {
            return true;
        }
        return profile == KqueueProfile.NETBSD && err == EBADF && kernel.fcntl(fd, KqueueConstants.F_GETFD) >= 0;
    }

    /** macOS before 10.12 answers EPIPE when the other end of a pipe is gone, yet reports events (mio#582). */
    private boolean ignoredOnAdd(int err) {
        return err == KqueueProfile.EPIPE && profile == KqueueProfile.MACOS;
    }

    private void addFilters(ChangeBatch b, int fd, int filters, int flags, long udata) {
        if ((filters & Registrations.READ) != 0) {
            b.add(fd, c.evfiltRead, flags, 0, udata);
        }
        if ((filters & Registrations.WRITE) != 0) {
            b.add(fd, c.evfiltWrite, flags, 0, udata);
        }
    }

    private int filter(int bit) {
        return bit == Registrations.READ ? c.evfiltRead : c.evfiltWrite;
    }

    private int bit(int filter) {
        return filter == c.evfiltRead ? Registrations.READ : Registrations.WRITE;
    }

    /** The filters for these interests; PRIORITY rides on EVFILT_READ and is refused alone. */
    static int filtersOf(String operation, int fd, long token, Interests interests) {
        int filters = (interests.isReadable() ? Registrations.READ : 0)
                | (interests.isWritable() ? Registrations.WRITE : 0);
        if (filters == 0) {
            // Mapping it to EVFILT_READ would wake for every ordinary byte (a busy loop with
            // LEVEL); registering nothing would wait forever. Saying so is the honest answer.
            throw new UnsupportedOperationException(operation + " fd=" + fd + " token=" + token
                    + ": the kqueue backend cannot watch PRIORITY alone (kqueue has no out-of-band"
                    + " filter); register READABLE | PRIORITY, which watches readability");
        }
        return filters;
    }

    int modeFlags(Trigger trigger) {
        switch (trigger) {
            case ONESHOT:
                return c.evDispatch;
            case EDGE:
                return c.evClear;
            default:
                return 0;
        }
    }

    private static int fd(long handle) {
        if (handle < 0 || handle > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("kqueue: not a file descriptor: " + handle);
        }
        return (int) handle;
    }

    private ChangeBatch takeChanges() {
        ChangeBatch b = changeBatches.take();
        return (b != null ? b : new ChangeBatch(layout, kernel)).clear();
    }

    private void giveChanges(ChangeBatch b) {
        if (!changeBatches.give(b)) {
            b.free();
        }
    }

    private PollBuffer takePollBuffer(int wanted) {
        PollBuffer b = pollBuffers.take();
        if (b != null && b.capacity() >= wanted) {
            return b;
        }
        if (b != null) {
            b.free();
        }
        return new PollBuffer(layout, Math.max(wanted, MIN_EVENTS));
    }

    private void givePollBuffer(PollBuffer b) {
        if (!pollBuffers.give(b)) {
            b.free();
        }
    }

    static NativeException error(KqueueProfile profile, String operation, String label, long handle,
                                 String detail, int errno) {
        return new NativeException(operation, label, handle, detail, errno,
                profile.errno.name(errno), profile.errno.description(errno));
    }
}
