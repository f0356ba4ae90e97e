package io.jpoll.kqueue;

import io.jpoll.AlreadyRegisteredException;
import io.jpoll.Interests;
import io.jpoll.NotRegisteredException;
import io.jpoll.Trigger;
import io.jpoll.spi.EventSink;

import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The processes one selector watches for their exit.
 *
 * <h2>Mechanism</h2>
 * On the BSDs and macOS an EVFILT_PROC knote with NOTE_EXIT on the pid (EV_ONESHOT: the kernels
 * make an exit knote one-shot anyway). Over libkqueue a pidfd ({@code pidfd_open}, Linux 5.3+)
 * watched with EVFILT_READ instead: libkqueue's own EVFILT_PROC asks {@code waitid(WNOWAIT)} for
 * the exit status when the pidfd fires, which fails with ECHILD once the JDK's reaper thread
 * has reaped the child (and always for a process that is not a child), and then drops the event
 * and leaves the pidfd readable in its epoll set, so every later kevent() returns at once with
 * nothing: the exit is lost and polls spin. The pidfd is this selector's: closed on deregister
 * and when the selector closes.
 *
 * <h2>Never the wrong process</h2>
 * The knote or pidfd is taken by pid, and a pid can be reused once its process is reaped. So
 * after every EV_ADD of EVFILT_PROC (and after {@code pidfd_open}) the backend asks
 * {@link ProcessHandle#isAlive()}, which compares the start time the JDK recorded. Alive then
 * means the pid was still the process's own when the knote was attached (a pid is not reused
 * while its process lives), and the kernel reports its exit. Not alive: the knote is deleted
 * again (it may sit on a newer process with the same pid, or hold an exit that is reported
 * anyway) and the exit is reported by the selector itself. ESRCH from EV_ADD or pidfd_open means
 * the process is gone: its exit is reported the same way.
 *
 * <h2>Reporting</h2>
 * A kernel exit record, or an exit known at register, puts the registration on the list of
 * exited ones, which every poll reports as the trigger asks: LEVEL on every poll, EDGE once per
 * register or reregister, ONESHOT once per arm (the arm of {@link Registrations}, a table of its
 * own keyed by pid). The knotes carry {@code udata | Long.MIN_VALUE}, so the decoder tells them
 * from descriptor registrations (which never have the sign bit) and a process's events, merged
 * per poll under the key {@code ~udata}, never meet a descriptor's. A new exit found at register
 * wakes a waiting poller ({@link Host#kick()}).
 *
 * <p>Registration changes run under the selector's lock and this object's monitor; pollers take
 * only the monitor, and only when a kernel exit record arrives (once per process). The exited
 * list is copied on write and read without locks, so a poll that reports exits allocates nothing.
 */
final class Processes {
    /** What the selector provides. */
    interface Host {
        /** Submits one change with EV_RECEIPT; its errno, or 0. */
        int change(long ident, int filter, int flags, int fflags, long udata);

        /** Wakes the pollers so one reports a new exit. */
        void kick() throws IOException;
    }

    /** The tag of a process knote's udata. */
    static final long TAG = Long.MIN_VALUE;
    /** Linux's ENOSYS: pidfd_open before Linux 5.3. */
    private static final int ENOSYS = 38;
    private static final Exit[] NONE = new Exit[0];
    private static final Trigger[] TRIGGERS = Trigger.values();

    private static final class Exit {
        final int slot;
        final long udata;
        final boolean edge;
        /** EDGE: not yet reported since the last register or reregister. */
        final AtomicBoolean pending = new AtomicBoolean(true);

        Exit(int slot, long udata, Trigger trigger) {
            this.slot = slot;
            this.udata = udata;
            this.edge = trigger == Trigger.EDGE;
        }
    }

    private final KqueueProfile profile;
    private final KqueueConstants c;
    private final Host host;
    private final Kernel kernel;
    private final Pidfds pidfds;
    private final boolean viaPidfd;
    private final Registrations regs = new Registrations();
    /** Per slot: the trigger and, over libkqueue, the pidfd (-1 if none); under the monitor. */
    private byte[] triggers = new byte[16];
    private int[] fds = new int[16];
    private volatile Exit[] exits = NONE;

    Processes(KqueueProfile profile, Host host, Kernel kernel, Pidfds pidfds) {
        this.profile = profile;
        this.c = profile.constants;
        this.host = host;
        this.kernel = kernel;
        this.pidfds = pidfds;
        this.viaPidfd = profile == KqueueProfile.LIBKQUEUE;
        Arrays.fill(fds, -1);
    }

    /** Whether no exit waits to be reported (one volatile read per poll). */
    boolean noExits() {
        return exits.length == 0;
    }

    // ---- registration, under the selector's lock ----

    void register(ProcessHandle process, long token, Interests interests) throws IOException {
        int pid = pid("Registry.register", process, token, interests);
        if (regs.slotOf(pid) >= 0) {
            throw new AlreadyRegisteredException("Registry.register", "pid", pid, token, null);
        }
        int slot;
        long udata;
        synchronized (this) {
            slot = regs.add(pid);
            grow(slot);
            udata = arm(slot, token, interests.trigger());
        }
        boolean watching = false;
        try {
            watch(process, pid, slot, udata, token);
            watching = true;
        } finally {
            if (!watching) {
                // A pidfd opened before the EV_ADD failed holds no knote: just close it.
                int fd = forget(pid, slot);
                if (fd >= 0) {
                    kernel.close(fd);
                }
            }
        }
    }

    void reregister(ProcessHandle process, long token, Interests interests) throws IOException {
        int pid = pid("Registry.reregister", process, token, interests);
        int slot = regs.slotOf(pid);
        if (slot < 0) {
            throw new NotRegisteredException("Registry.reregister", "pid", pid, token, null);
        }
        long udata;
        boolean exited;
        synchronized (this) {
            udata = arm(slot, token, interests.trigger());
            exited = exitOf(slot) != null;
            if (exited) {
                putExit(slot, udata, interests.trigger());
            }
        }
        if (exited) {
            host.kick();
        } else {
            watch(process, pid, slot, udata, token);
        }
    }

    void deregister(ProcessHandle process) throws IOException {
        int pid = pid(process);
        int slot = regs.slotOf(pid);
        if (slot < 0) {
            throw new NotRegisteredException("Registry.deregister", "pid", pid, null);
        }
        int fd = forget(pid, slot);
        int err;
        if (viaPidfd) {
            err = fd < 0 ? 0 : host.change(fd, c.evfiltRead, c.evDelete | c.evReceipt, 0, 0L);
            if (fd >= 0) {
                kernel.close(fd);
            }
        } else {
            err = host.change(pid, c.evfiltProc, c.evDelete | c.evReceipt, 0, 0L);
        }
        // ENOENT: the exit was delivered (the knote was one-shot) or never watched (ESRCH);
        // ESRCH: some kernels look the process up before the knote.
        if (err != 0 && err != Errno.ENOENT && err != Errno.ESRCH) {
            throw profile.errno.error("kevent(EV_DELETE) " + (viaPidfd ? "EVFILT_READ pidfd" : "EVFILT_PROC"),
                    "pid", pid, null, err);
        }
    }

    /** Closes the pidfds still open; the selector calls it after its kqueue is closed. */
    synchronized void close() {
        for (int i = 0; i < fds.length; i++) {
            if (fds[i] >= 0) {
                kernel.close(fds[i]);
                fds[i] = -1;
            }
        }
    }

    /**
     * Attaches the kernel's watch for the arm {@code udata}, or records the exit where the process
     * is gone (see the class comment).
     */
    private void watch(ProcessHandle process, int pid, int slot, long udata, long token) throws IOException {
        if (viaPidfd) {
            int fd;
            synchronized (this) {
                fd = fds[slot];
            }
            if (fd < 0) {
                fd = pidfds.open(pid);
                if (fd == -Errno.ESRCH) {
                    exited(slot, udata);
                    return;
                }
                if (fd < 0) {
                    throw profile.errno.error("pidfd_open", "pid", pid, "token=" + token
                            + (-fd == ENOSYS ? " (needs Linux 5.3 or later)" : ""), -fd);
                }
                synchronized (this) {
                    fds[slot] = fd;
                }
            }
            if (!process.isAlive()) {
                exited(slot, udata);
                return;
            }
            // Re-created rather than modified: libkqueue's EV_ADD of an existing socket-like read
            // knote keeps its old udata. The pidfd names this process whatever happens to the pid.
            host.change(fd, c.evfiltRead, c.evDelete | c.evReceipt, 0, 0L);
            int err = host.change(fd, c.evfiltRead, c.evAdd | c.evOneshot | c.evReceipt, 0, udata | TAG);
            if (err != 0) {
                throw profile.errno.error("kevent(EV_ADD) EVFILT_READ pidfd", "pid", pid, "token=" + token, err);
            }
            return;
        }
        int err = host.change(pid, c.evfiltProc, c.evAdd | c.evOneshot | c.evReceipt, c.noteExit, udata | TAG);
        if (err == Errno.ESRCH) {
            exited(slot, udata);
            return;
        }
        if (err != 0) {
            throw profile.errno.error("kevent(EV_ADD) EVFILT_PROC", "pid", pid, "token=" + token, err);
        }
        if (!process.isAlive()) {
            // Gone since, or the knote sits on a newer process with the same pid: never watch that.
            host.change(pid, c.evfiltProc, c.evDelete | c.evReceipt, 0, 0L);
            exited(slot, udata);
        }
    }

    /** An exit known without a kernel record: listed, and a waiting poller woken to report it. */
    private void exited(int slot, long udata) throws IOException {
        synchronized (this) {
            if (regs.current(udata) < 0) {
                return;
            }
            putExit(slot, udata, TRIGGERS[triggers[slot]]);
        }
        host.kick();
    }

    private long arm(int slot, long token, Trigger trigger) {
        triggers[slot] = (byte) trigger.ordinal();
        return regs.arm(slot, token, trigger, Registrations.hints(Registrations.READ, Registrations.READ));
    }

    private void grow(int slot) {
        if (slot >= triggers.length) {
            int n = Math.max(slot + 1, triggers.length * 2);
            triggers = Arrays.copyOf(triggers, n);
            int old = fds.length;
            fds = Arrays.copyOf(fds, n);
            Arrays.fill(fds, old, n, -1);
        }
    }

    /**
     * Ends the registration of {@code pid} in the table and the exited list; the pidfd it held,
     * now the caller's to close, or -1.
     */
    private synchronized int forget(int pid, int slot) {
        int fd = fds[slot];
        regs.retire(pid);
        fds[slot] = -1;
        removeExit(slot);
        return fd;
    }

    // ---- the exited list, under the monitor (copy on write) ----

    private Exit exitOf(int slot) {
        for (Exit e : exits) {
            if (e.slot == slot) {
                return e;
            }
        }
        return null;
    }

    private void putExit(int slot, long udata, Trigger trigger) {
        removeExit(slot);
        Exit[] now = exits;
        Exit[] grown = Arrays.copyOf(now, now.length + 1);
        grown[now.length] = new Exit(slot, udata, trigger);
        exits = grown;
    }

    private void removeExit(int slot) {
        Exit[] now = exits;
        int n = 0;
        Exit[] kept = new Exit[now.length];
        for (Exit e : now) {
            if (e.slot != slot) {
                kept[n++] = e;
            }
        }
        if (n != now.length) {
            exits = n == 0 ? NONE : Arrays.copyOf(kept, n);
        }
    }

    // ---- pollers ----

    /**
     * A kernel record of a process knote (its udata without {@link #TAG}): the exit, listed and
     * reported into this poll.
     */
    void record(long udata, EventSink sink, MergeIndex merge) {
        Exit e;
        synchronized (this) {
            if (regs.current(udata) < 0) {
                return; // deregistered or reregistered since
            }
            int slot = (int) udata;
            e = exitOf(slot);
            if (e == null || e.udata != udata) {
                putExit(slot, udata, TRIGGERS[triggers[slot]]);
                e = exitOf(slot);
            }
        }
        if (!e.edge || e.pending.compareAndSet(true, false)) {
            deliver(udata, sink, merge);
        }
    }

    /**
     * Reports the listed exits due in this poll, at most {@code limit} and as far as the sink has
     * room. Returns how many events were added or merged into.
     */
    int report(EventSink sink, MergeIndex merge, int limit) {
        int reported = 0;
        for (Exit e : exits) {
            if (sink.remaining() == 0 || reported >= limit) {
                break;
            }
            if (e.edge && !e.pending.compareAndSet(true, false)) {
                continue;
            }
            if (deliver(e.udata, sink, merge)) {
                reported++;
            }
        }
        return reported;
    }

    /** Adds or merges the process's event if its arm is current (and, ONESHOT, this caller takes it). */
    private boolean deliver(long udata, EventSink sink, MergeIndex merge) {
        long state = regs.current(udata);
        if (state < 0) {
            return false;
        }
        long key = ~udata;
        int at = merge.get(key);
        if (at >= 0) {
            sink.merge(at, EventSink.READABLE);
            return true;
        }
        long token = regs.token(udata);
        if (regs.confirm(udata, state)) {
            merge.put(key, sink.add(token, EventSink.READABLE));
            return true;
        }
        return false;
    }

    private int pid(String operation, ProcessHandle process, long token, Interests interests) {
        int pid = pid(process);
        if (interests.isWritable() || interests.isPriority()) {
            throw new IllegalArgumentException(operation + " process " + pid + " token=" + token
                    + ": a process can only be watched READABLE, not " + interests);
        }
        return pid;
    }

    private static int pid(ProcessHandle process) {
        long pid = process.pid();
        if (pid <= 0 || pid > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("kqueue: not a process id: " + pid);
        }
        return (int) pid;
    }
}
