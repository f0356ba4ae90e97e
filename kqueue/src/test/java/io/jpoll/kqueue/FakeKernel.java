package io.jpoll.kqueue;

import com.sun.jna.Pointer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A kqueue kernel in Java, behaving like the one of a {@link KqueueProfile} where the backend can
 * tell the difference. Each behaviour cites the kernel source it copies:
 * <ul>
 *   <li>receipts ({@link ReceiptStyle}): xnu {@code kevent_register} ORs EV_ERROR into the
 *       change's flags and libkqueue copies the change (common/kevent.c {@code kevent_copyin});
 *       FreeBSD {@code kqueue_kevent}, OpenBSD {@code sys_kevent}, NetBSD {@code kevent1} and
 *       DragonFly {@code kern_kevent} set {@code flags = EV_ERROR}, dropping EV_ADD / EV_DELETE;</li>
 *   <li>knotes: EV_ADD creates or updates udata and re-evaluates the knote, EV_DELETE / EV_ENABLE / a bare change of a missing
 *       knote answer ENOENT, EV_DISPATCH disables after delivery (unless {@link #dispatch} is off,
 *       like a kernel that ignores the unknown bit), EV_CLEAR reports each change once;</li>
 *   <li>closing a descriptor drops its knotes (every BSD's {@code knote_fdclose});</li>
 *   <li>EVFILT_WRITE on a pipe whose reader is gone: FreeBSD, DragonFly and OpenBSD
 *       {@code pipe_kqfilter} answer EPIPE, NetBSD's EBADF, xnu attaches and reports EV_EOF, and
 *       libkqueue reports EV_EOF with EIO (epoll's EPOLLERR);</li>
 *   <li>EVFILT_USER: absent ({@link #userFilter} off: EINVAL) or capped ({@link #userLimit}: ENOMEM,
 *       as OpenBSD's per-process limit);</li>
 *   <li>EVFILT_TIMER on a clock the test moves ({@link #advance}): {@code data} in milliseconds, or
 *       in nanoseconds with the OS's NOTE_NSECONDS (other fflags EINVAL, as FreeBSD's
 *       {@code filt_timervalidate}); EV_ADD starts it anew; a record's {@code data} is the number of
 *       expiries since the last one, except that xnu counts a one-shot's elapsed periods too
 *       ({@code filt_timerprocess}); EV_ONESHOT deletes it after delivery;</li>
 *   <li>EVFILT_PROC with NOTE_EXIT: ESRCH for a pid no process has (reaped); the knote stays on the
 *       process it attached to even if the pid is reused; its exit record has EV_EOF and
 *       EV_ONESHOT, {@code fflags} NOTE_EXIT and {@code data} the status, as every BSD's
 *       {@code filt_proc};</li>
 *   <li>{@link Pidfds}: a pidfd, readable (EV_EOF) once its process exited, as libkqueue reports
 *       one through EVFILT_READ.</li>
 * </ul>
 * It never blocks: a wait with nothing ready returns 0 at once. Single-threaded.
 */
final class FakeKernel implements Kernel, Pidfds, java.util.function.LongSupplier {
    /** How a kernel writes an EV_RECEIPT answer over the change. */
    enum ReceiptStyle {
        /** xnu and libkqueue: the change's flags, with EV_ERROR added. */
        OR_ERROR,
        /** FreeBSD, OpenBSD, NetBSD, DragonFly: {@code flags = EV_ERROR}; the change's flags are gone. */
        REPLACE_FLAGS;

        static ReceiptStyle of(KqueueProfile p) {
            return p == KqueueProfile.MACOS || p == KqueueProfile.LIBKQUEUE ? OR_ERROR : REPLACE_FLAGS;
        }
    }

    static final int ENOENT = 2;
    static final int EIO = 5;
    static final int EBADF = 9;
    static final int ENOMEM = 12;
    static final int EINVAL = 22;
    static final int EPIPE = 32;
    static final int O_RDONLY = 0;
    static final int O_WRONLY = 1;
    static final int O_RDWR = 2;

    private enum Kind { SOCKET, PIPE_READ, PIPE_WRITE, KQUEUE, PIDFD }

    /** A process: the pid is its key in {@link #procs} until reaped. */
    private static final class Proc {
        boolean exited;
        int status;
    }

    /** A descriptor; for a socket the test sets readiness, for a pipe it follows from the ends. */
    private static final class Fd {
        final Kind kind;
        int peer = -1;
        boolean peerGone;
        int bytes;
        int statusFlags;
        boolean readable;
        boolean writable;
        boolean readEof;
        boolean writeEof;
        int eofFflags;
        /** Bumped on every change of readiness, for EV_CLEAR. */
        int generation;
        /** PIDFD: its process. */
        Proc proc;

        Fd(Kind kind) {
            this.kind = kind;
        }
    }

    private static final class Knote {
        final long ident;
        final int filter;
        int flags;
        long udata;
        boolean disabled;
        boolean triggered;
        int deliveredGeneration = -1;
        /** EVFILT_TIMER: period in ns, start on the fake clock, expiries delivered, the add's fflags and data. */
        long period;
        long start;
        long delivered;
        int timerFflags;
        long timerData;
        /** EVFILT_PROC: the process it attached to. */
        Proc proc;

        Knote(long ident, int filter) {
            this.ident = ident;
            this.filter = filter;
        }
    }

    private record Key(long ident, int filter) {
    }

    final KqueueProfile profile;
    final KqueueConstants c;
    final KeventLayout layout;
    ReceiptStyle style;
    /** Whether EVFILT_USER exists (EINVAL otherwise, as on older OpenBSD and NetBSD). */
    boolean userFilter = true;
    /** EVFILT_USER knotes the process may hold; one more is ENOMEM (OpenBSD caps at 1024). */
    int userLimit = Integer.MAX_VALUE;
    /** Whether EV_DISPATCH is honoured; a kernel that predates it ignores the bit. */
    boolean dispatch = true;
    /** Non-zero: EV_ADD of EVFILT_PROC answers this errno (EPERM: another user's process). */
    int procRefusal;
    /** Non-zero: every kevent() with changes fails as a whole with this errno. */
    int changeFailure;
    /** libkqueue's answer to EVFILT_LIBKQUEUE / NOTE_VERSION. */
    long libkqueueVersion = 0x02070000L;

    /** The fake clock, in nanoseconds; {@link #advance} moves it. */
    long now = 1_000_000_000L;
    private final Map<Integer, Proc> procs = new HashMap<>();
    private int nextPid = 1000;

    int keventCalls;
    int waits;
    int drains;
    int kqueuesOpenAtLastDrain = -1;
    private int errno;
    private final TreeMap<Integer, Fd> fds = new TreeMap<>();
    private final Map<Integer, LinkedHashMap<Key, Knote>> kqueues = new HashMap<>();

    FakeKernel(KqueueProfile profile) {
        this.profile = profile;
        this.c = profile.constants;
        this.layout = profile.layout;
        this.style = ReceiptStyle.of(profile);
    }

    // ---- what tests do to the world ----

    /** A connected socket, neither readable nor writable yet. */
    int socket() {
        return open(new Fd(Kind.SOCKET));
    }

    /** A pipe: {read, write}. */
    int[] pipe() {
        int r = open(new Fd(Kind.PIPE_READ));
        int w = open(new Fd(Kind.PIPE_WRITE));
        fds.get(r).peer = w;
        fds.get(w).peer = r;
        return new int[]{r, w};
    }

    void readable(int fd, boolean ready) {
        Fd f = fds.get(fd);
        f.readable = ready;
        f.generation++;
    }

    void writable(int fd, boolean ready) {
        Fd f = fds.get(fd);
        f.writable = ready;
        f.generation++;
    }

    /** The socket's read side (and with {@code both} its write side) reached end of stream, with this error. */
    void eof(int fd, boolean both, int error) {
        Fd f = fds.get(fd);
        f.readEof = true;
        f.writeEof |= both;
        f.eofFflags = error;
        f.generation++;
    }

    /** Moves the fake clock. */
    void advance(long nanos) {
        now += nanos;
    }

    @Override
    public long getAsLong() {
        return now;
    }

    /** A new running process; its pid. */
    int spawn() {
        int pid = nextPid++;
        procs.put(pid, new Proc());
        return pid;
    }

    /** The process {@code pid} exits (a zombie until {@link #reap}). */
    void exit(int pid, int status) {
        Proc p = procs.get(pid);
        p.exited = true;
        p.status = status;
        for (Fd f : fds.values()) {
            if (f.proc == p) {
                f.generation++;
            }
        }
    }

    /** The exited process {@code pid} is reaped: the pid is free. */
    void reap(int pid) {
        procs.remove(pid);
    }

    /** A new process takes the free pid {@code pid}. */
    void reuse(int pid) {
        procs.put(pid, new Proc());
    }

    /**
     * A handle on the process {@code pid} names now: alive while that process runs, whatever
     * later takes the pid (the JDK compares start times).
     */
    FakeProcess handle(int pid) {
        Proc p = procs.get(pid);
        return new FakeProcess(pid, () -> p != null && !p.exited && procs.get(pid) == p);
    }

    /** Whether {@code pid} names a process that has not exited. */
    boolean running(int pid) {
        Proc p = procs.get(pid);
        return p != null && !p.exited;
    }

    /** The fflags and data the timer knote {@code ident} of {@code kq} was last added with. */
    int timerFflags(int kq, long ident) {
        return kqueues.get(kq).get(new Key(ident, c.evfiltTimer)).timerFflags;
    }

    long timerData(int kq, long ident) {
        return kqueues.get(kq).get(new Key(ident, c.evfiltTimer)).timerData;
    }

    boolean isOpen(int fd) {
        return fds.containsKey(fd);
    }

    /** Whether the EVFILT_USER knote {@code ident} of {@code kq} is triggered (and not yet delivered). */
    boolean triggered(int kq, long ident) {
        Knote k = kqueues.get(kq).get(new Key(ident, c.evfiltUser));
        return k != null && k.triggered;
    }

    /** Bytes waiting in the pipe whose read end is {@code fd}. */
    int pending(int fd) {
        return fds.get(fd).bytes;
    }

    int openDescriptors() {
        return fds.size();
    }

    /** Knotes the kqueue {@code kq} holds for this ident and filter: 0 or 1. */
    boolean holds(int kq, long ident, int filter) {
        return kqueues.get(kq).containsKey(new Key(ident, filter));
    }

    int knotes(int kq) {
        return kqueues.get(kq).size();
    }

    /** The one kqueue open, for tests that open one selector. */
    int theKqueue() {
        if (kqueues.size() != 1) {
            throw new IllegalStateException(kqueues.size() + " kqueues open");
        }
        return kqueues.keySet().iterator().next();
    }

    // ---- Kernel ----

    @Override
    public int kqueue() {
        int kq = open(new Fd(Kind.KQUEUE));
        kqueues.put(kq, new LinkedHashMap<>());
        return kq;
    }

    @Override
    public int kevent(int kq, long changes, int nchanges, long events, int nevents, long timeout) {
        keventCalls++;
        LinkedHashMap<Key, Knote> knotes = kqueues.get(kq);
        if (knotes == null) {
            return fail(EBADF);
        }
        if (nchanges > 0 && changeFailure != 0) {
            return fail(changeFailure);
        }
        ByteBuffer in = view(changes, nchanges);
        ByteBuffer out = view(events, nevents);
        // Every change is read before a receipt is written: callers pass one array as both lists.
        long[] ident = new long[nchanges];
        int[] filter = new int[nchanges];
        int[] flags = new int[nchanges];
        int[] fflags = new int[nchanges];
        long[] data = new long[nchanges];
        long[] udata = new long[nchanges];
        for (int i = 0; i < nchanges; i++) {
            ident[i] = layout.ident(in, i);
            filter[i] = layout.filter(in, i);
            flags[i] = layout.flags(in, i);
            fflags[i] = layout.fflags(in, i);
            data[i] = layout.data(in, i);
            udata[i] = layout.udata(in, i);
        }
        int written = 0;
        for (int i = 0; i < nchanges; i++) {
            if (filter[i] == -12 && profile == KqueueProfile.LIBKQUEUE) {
                // EVFILT_LIBKQUEUE / NOTE_VERSION: answered in the record, without EV_ERROR.
                layout.put(out, written++, ident[i], filter[i], flags[i] | c.evReceipt, fflags[i],
                        libkqueueVersion, udata[i]);
                continue;
            }
            int err = apply(kq, knotes, ident[i], filter[i], flags[i], fflags[i], data[i], udata[i]);
            if (err == 0 && (flags[i] & c.evReceipt) == 0) {
                continue;
            }
            if (written == nevents) {
                if (err != 0) {
                    return fail(err);
                }
                continue;
            }
            int answered = style == ReceiptStyle.OR_ERROR ? flags[i] | c.evError : c.evError;
            layout.put(out, written++, ident[i], filter[i], answered, fflags[i], err, udata[i]);
        }
        if (nchanges > 0 && written > 0) {
            return written;
        }
        return nevents == 0 ? 0 : scan(knotes, out, nevents);
    }

    @Override
    public int close(int fd) {
        Fd f = fds.remove(fd);
        if (f == null) {
            return fail(EBADF);
        }
        if (f.kind == Kind.KQUEUE) {
            kqueues.remove(fd);
        }
        for (LinkedHashMap<Key, Knote> knotes : kqueues.values()) {
            // Only descriptor knotes: timer idents and pids are not descriptors.
            knotes.values().removeIf(k -> k.ident == fd && (k.filter == c.evfiltRead || k.filter == c.evfiltWrite));
        }
        if (f.peer >= 0 && fds.containsKey(f.peer)) {
            Fd p = fds.get(f.peer);
            p.peerGone = true;
            p.generation++;
        }
        return 0;
    }

    @Override
    public int open(int pid) {
        Proc p = procs.get(pid);
        if (p == null) {
            return -3; // ESRCH
        }
        Fd f = new Fd(Kind.PIDFD);
        f.proc = p;
        return open(f);
    }

    @Override
    public int pipe(long address) {
        int[] p = pipe();
        Pointer at = new Pointer(address);
        at.setInt(0, p[0]);
        at.setInt(4, p[1]);
        return 0;
    }

    /** How many read() calls the selector made: one system call each on a real kernel. */
    int reads;

    @Override
    public long read(int fd, long buf, long count) {
        reads++;
        Fd f = fds.get(fd);
        if (f == null || f.kind != Kind.PIPE_READ) {
            return fail(EBADF);
        }
        if (f.bytes > 0) {
            int n = (int) Math.min(f.bytes, count);
            f.bytes -= n;
            f.generation++;
            return n;
        }
        return f.peerGone ? 0 : fail(profile.errno.eagain);
    }

    @Override
    public long write(int fd, long buf, long count) {
        Fd f = fds.get(fd);
        if (f == null || f.kind != Kind.PIPE_WRITE) {
            return fail(EBADF);
        }
        if (f.peerGone) {
            return fail(EPIPE);
        }
        Fd r = fds.get(f.peer);
        r.bytes += (int) count;
        r.generation++;
        return count;
    }

    @Override
    public int fcntl(int fd, int cmd, int arg) {
        Fd f = fds.get(fd);
        if (f == null) {
            return fail(EBADF);
        }
        if (cmd == KqueueConstants.F_SETFL) {
            f.statusFlags = arg;
        }
        return 0;
    }

    @Override
    public int fcntl(int fd, int cmd) {
        Fd f = fds.get(fd);
        if (f == null) {
            return fail(EBADF);
        }
        return cmd == KqueueConstants.F_GETFL ? f.statusFlags | accessMode(f) : 0;
    }

    @Override
    public int errno() {
        return errno;
    }

    @Override
    public void drainPendingClose() {
        drains++;
        kqueuesOpenAtLastDrain = kqueues.size();
    }

    // ---- the kernel's insides ----

    /** FreeBSD and DragonFly pipes are bidirectional (both ends FREAD | FWRITE); the others' are not. */
    private int accessMode(Fd f) {
        boolean bidirectional = profile == KqueueProfile.FREEBSD || profile == KqueueProfile.FREEBSD_11
                || profile == KqueueProfile.DRAGONFLY;
        if (f.kind == Kind.PIPE_READ) {
            return bidirectional ? O_RDWR : O_RDONLY;
        }
        if (f.kind == Kind.PIPE_WRITE) {
            return bidirectional ? O_RDWR : O_WRONLY;
        }
        return O_RDWR;
    }

    private int apply(int kq, LinkedHashMap<Key, Knote> knotes, long ident, int filter, int flags, int fflags,
                      long data, long udata) {
        if (filter == c.evfiltTimer) {
            return applyTimer(knotes, ident, flags, fflags, data, udata);
        }
        if (filter == c.evfiltProc) {
            return applyProc(knotes, ident, flags, fflags, udata);
        }
        boolean user = filter == c.evfiltUser;
        if (user && !userFilter) {
            return EINVAL;
        }
        if (!user && filter != c.evfiltRead && filter != c.evfiltWrite) {
            return EINVAL;
        }
        Fd f = user ? null : fds.get((int) ident);
        if (!user && (ident > Integer.MAX_VALUE || f == null)) {
            return EBADF;
        }
        Key key = new Key(ident, filter);
        Knote k = knotes.get(key);
        if ((flags & c.evDelete) != 0) {
            return knotes.remove(key) == null ? ENOENT : 0;
        }
        if (k == null) {
            if ((flags & c.evAdd) == 0) {
                return ENOENT;
            }
            if (user && userKnotes() >= userLimit) {
                return ENOMEM;
            }
            if (filter == c.evfiltWrite && f.kind == Kind.PIPE_WRITE && f.peerGone) {
                if (profile == KqueueProfile.NETBSD) {
                    return EBADF;
                }
                if (profile != KqueueProfile.MACOS && profile != KqueueProfile.LIBKQUEUE) {
                    return EPIPE;
                }
            }
            k = new Knote(ident, filter);
            k.flags = flags & (c.evClear | c.evDispatch | c.evOneshot | c.evReceipt);
            if (!dispatch) {
                k.flags &= ~c.evDispatch;
            }
            knotes.put(key, k);
        }
        k.udata = udata;
        if ((flags & c.evAdd) != 0) {
            // An EV_ADD of an existing knote re-evaluates it and activates it if its condition
            // holds, EV_CLEAR or not (FreeBSD kqueue_register's f_event, xnu's f_touch).
            k.deliveredGeneration = -1;
        }
        if ((flags & c.evDisable) != 0) {
            k.disabled = true;
        }
        if ((flags & c.evEnable) != 0) {
            k.disabled = false;
        }
        if (user && (fflags & c.noteTrigger) != 0) {
            k.triggered = true;
        }
        return 0;
    }

    private int applyTimer(LinkedHashMap<Key, Knote> knotes, long ident, int flags, int fflags, long data, long udata) {
        Key key = new Key(ident, c.evfiltTimer);
        if ((flags & c.evDelete) != 0) {
            return knotes.remove(key) == null ? ENOENT : 0;
        }
        Knote k = knotes.get(key);
        if ((flags & c.evAdd) == 0) {
            return k == null ? ENOENT : 0;
        }
        long unit;
        if (fflags == 0) {
            unit = 1_000_000L;
        } else if (c.noteNseconds != KqueueConstants.NO_TIMER_UNIT && fflags == c.noteNseconds) {
            unit = 1L;
        } else {
            return EINVAL;
        }
        if (data <= 0) {
            return EINVAL;
        }
        if (k == null) {
            k = new Knote(ident, c.evfiltTimer);
            knotes.put(key, k);
        }
        k.flags = (flags & (c.evOneshot | c.evDispatch)) | c.evClear;
        k.udata = udata;
        k.disabled = false;
        k.period = Math.multiplyExact(data, unit);
        k.start = now;
        k.delivered = 0;
        k.timerFflags = fflags;
        k.timerData = data;
        return 0;
    }

    private int applyProc(LinkedHashMap<Key, Knote> knotes, long ident, int flags, int fflags, long udata) {
        Key key = new Key(ident, c.evfiltProc);
        if ((flags & c.evDelete) != 0) {
            return knotes.remove(key) == null ? ENOENT : 0;
        }
        Knote k = knotes.get(key);
        if (k == null) {
            if ((flags & c.evAdd) == 0) {
                return ENOENT;
            }
            Proc p = procs.get((int) ident);
            if (p == null) {
                return 3; // ESRCH
            }
            if (procRefusal != 0) {
                return procRefusal;
            }
            k = new Knote(ident, c.evfiltProc);
            k.proc = p;
            knotes.put(key, k);
        }
        if ((fflags & c.noteExit) == 0) {
            return EINVAL; // the fake watches nothing else
        }
        k.flags = flags & (c.evOneshot | c.evDispatch | c.evClear);
        k.udata = udata;
        return 0;
    }

    private int userKnotes() {
        int n = 0;
        for (LinkedHashMap<Key, Knote> knotes : kqueues.values()) {
            for (Knote k : knotes.values()) {
                n += k.filter == c.evfiltUser ? 1 : 0;
            }
        }
        return n;
    }

    private int scan(LinkedHashMap<Key, Knote> knotes, ByteBuffer out, int nevents) {
        waits++;
        int n = 0;
        List<Key> oneshots = new ArrayList<>();
        for (Iterator<Knote> it = knotes.values().iterator(); it.hasNext() && n < nevents; ) {
            Knote k = it.next();
            if (k.disabled) {
                continue;
            }
            int flags = k.flags & ~c.evReceipt;
            int fflags = 0;
            long data = 0;
            if (k.filter == c.evfiltTimer) {
                long due = (now - k.start) / k.period - k.delivered;
                if (due <= 0) {
                    continue;
                }
                k.delivered += due;
                boolean oneshot = (k.flags & c.evOneshot) != 0;
                // xnu's filt_timerprocess counts the periods since the add even for a one-shot.
                data = !oneshot ? due : profile == KqueueProfile.MACOS ? k.delivered : 1;
                layout.put(out, n++, k.ident, k.filter, flags, 0, data, k.udata);
                if (oneshot) {
                    oneshots.add(new Key(k.ident, k.filter));
                }
                continue;
            }
            if (k.filter == c.evfiltProc) {
                if (!k.proc.exited) {
                    continue;
                }
                layout.put(out, n++, k.ident, k.filter, flags | c.evEof | c.evOneshot, c.noteExit, k.proc.status, k.udata);
                oneshots.add(new Key(k.ident, k.filter));
                continue;
            }
            if (k.filter == c.evfiltUser) {
                if (!k.triggered) {
                    continue;
                }
                if ((k.flags & c.evClear) != 0) {
                    k.triggered = false;
                }
            } else {
                Fd f = fds.get((int) k.ident);
                boolean ready;
                boolean eof;
                if (f.kind == Kind.PIDFD) {
                    ready = k.filter == c.evfiltRead && f.proc.exited;
                    eof = ready;
                    data = ready ? 1 : 0;
                } else if (k.filter == c.evfiltRead && f.kind == Kind.PIPE_WRITE) {
                    // xnu's neutered filter for the wrong end (and a bidirectional pipe's read side).
                    ready = f.peerGone;
                    eof = f.peerGone;
                } else if (k.filter == c.evfiltRead) {
                    ready = f.kind == Kind.PIPE_READ ? f.bytes > 0 || f.peerGone : f.readable || f.readEof;
                    eof = f.kind == Kind.PIPE_READ ? f.peerGone : f.readEof;
                    data = f.bytes;
                } else if (f.kind == Kind.PIPE_WRITE) {
                    ready = true;
                    eof = f.peerGone;
                    data = eof ? 0 : 16384;
                } else if (f.kind == Kind.PIPE_READ) {
                    // xnu's neutered filter for the wrong end: fires only when the pipe dies.
                    ready = f.peerGone;
                    eof = f.peerGone;
                } else {
                    ready = f.writable || f.writeEof;
                    eof = f.writeEof;
                }
                if (!ready || (k.flags & c.evClear) != 0 && k.deliveredGeneration == f.generation) {
                    continue;
                }
                k.deliveredGeneration = f.generation;
                if (eof) {
                    flags |= c.evEof;
                    fflags = f.kind == Kind.SOCKET ? f.eofFflags
                            : profile == KqueueProfile.LIBKQUEUE && f.kind == Kind.PIPE_WRITE ? EIO : 0;
                }
            }
            layout.put(out, n++, k.ident, k.filter, flags, fflags, data, k.udata);
            if ((k.flags & c.evDispatch) != 0) {
                k.disabled = true;
            }
            if ((k.flags & c.evOneshot) != 0) {
                oneshots.add(new Key(k.ident, k.filter));
            }
        }
        oneshots.forEach(knotes::remove);
        return n;
    }

    private int open(Fd f) {
        int fd = 3;
        while (fds.containsKey(fd)) {
            fd++;
        }
        fds.put(fd, f);
        return fd;
    }

    private int fail(int err) {
        errno = err;
        return -1;
    }

    private ByteBuffer view(long address, int records) {
        if (address == 0 || records == 0) {
            return ByteBuffer.allocate(0);
        }
        return new Pointer(address).getByteBuffer(0, (long) layout.size() * records).order(ByteOrder.nativeOrder());
    }

    @Override
    public String toString() {
        return "FakeKernel(" + profile + ", " + style + ", kqueues " + Objects.toString(kqueues.keySet()) + ")";
    }
}
