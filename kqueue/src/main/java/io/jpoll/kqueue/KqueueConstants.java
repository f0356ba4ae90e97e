package io.jpoll.kqueue;

/**
 * The numbers one OS gives the kqueue filters and flags, and the few fcntl values the backend
 * needs: one table per OS, each read from that OS's headers (cited per table) and cross-checked
 * against the rust-lang/libc crate's per-OS definitions.
 *
 * <p>The EV_* flags and NOTE_TRIGGER happen to agree everywhere; the filters do not (NetBSD numbers
 * them from 0, EVFILT_USER moved around), and neither does O_NONBLOCK between Linux and the BSDs.
 * Keeping a full table per OS means a reader checks one OS against one header without reasoning
 * about which values are shared.
 */
final class KqueueConstants {
    /**
     * {@link #noteNseconds} where the backend keeps EVFILT_TIMER in its default unit, milliseconds:
     * DragonFly has no other unit; NetBSD (10+: NOTE_NSECONDS 3) and OpenBSD (recent: the same
     * numbering) have one only in newer kernels, and an older kernel would not refuse the fflags
     * but read nanoseconds as milliseconds, a million times too long.
     */
    static final int NO_TIMER_UNIT = -1;

    /** xnu {@code bsd/sys/event.h}; {@code bsd/sys/fcntl.h}. */
    static final KqueueConstants MACOS = new KqueueConstants("macOS",
            -1, -2, -10,
            0x0001, 0x0002, 0x0004, 0x0008, 0x0010, 0x0020, 0x0040, 0x0080, 0x4000, 0x8000,
            0x01000000, 0x0004,
            -5, -7, 0x80000000, 0x00000004);

    /** freebsd-src {@code sys/sys/event.h}; {@code sys/sys/fcntl.h}. */
    static final KqueueConstants FREEBSD = new KqueueConstants("FreeBSD",
            -1, -2, -11,
            0x0001, 0x0002, 0x0004, 0x0008, 0x0010, 0x0020, 0x0040, 0x0080, 0x4000, 0x8000,
            0x01000000, 0x0004,
            -5, -7, 0x80000000, 0x00000008);

    /**
     * OpenBSD {@code sys/sys/event.h} (EVFILT_USER -10 is recent; older kernels refuse it and the
     * backend falls back to a pipe); {@code sys/sys/fcntl.h}.
     */
    static final KqueueConstants OPENBSD = new KqueueConstants("OpenBSD",
            -1, -2, -10,
            0x0001, 0x0002, 0x0004, 0x0008, 0x0010, 0x0020, 0x0040, 0x0080, 0x4000, 0x8000,
            0x01000000, 0x0004,
            -5, -7, 0x80000000, NO_TIMER_UNIT);

    /**
     * NetBSD {@code sys/sys/event.h}: filters are {@code 0U, 1U, ... 8U} (EVFILT_USER since
     * NetBSD 10; older kernels refuse it and the backend falls back to a pipe);
     * {@code sys/sys/fcntl.h}.
     */
    static final KqueueConstants NETBSD = new KqueueConstants("NetBSD",
            0, 1, 8,
            0x0001, 0x0002, 0x0004, 0x0008, 0x0010, 0x0020, 0x0040, 0x0080, 0x4000, 0x8000,
            0x01000000, 0x0004,
            4, 6, 0x80000000, NO_TIMER_UNIT);

    /** DragonFly {@code sys/sys/event.h}; {@code sys/sys/fcntl.h}. */
    static final KqueueConstants DRAGONFLY = new KqueueConstants("DragonFly",
            -1, -2, -9,
            0x0001, 0x0002, 0x0004, 0x0008, 0x0010, 0x0020, 0x0040, 0x0080, 0x4000, 0x8000,
            0x01000000, 0x0004,
            -5, -7, 0x80000000, NO_TIMER_UNIT);

    /**
     * libkqueue {@code include/sys/event.h.in} (it copies FreeBSD's numbers); O_NONBLOCK is
     * Linux's own, glibc {@code bits/fcntl-linux.h} (04000).
     */
    static final KqueueConstants LIBKQUEUE = new KqueueConstants("libkqueue",
            -1, -2, -11,
            0x0001, 0x0002, 0x0004, 0x0008, 0x0010, 0x0020, 0x0040, 0x0080, 0x4000, 0x8000,
            0x01000000, 0x0800,
            -5, -7, 0x80000000, 0x00000004);

    /** The same on Linux and every BSD: F_GETFD 1, F_SETFD 2, F_GETFL 3, F_SETFL 4, FD_CLOEXEC 1. */
    static final int F_GETFD = 1;
    static final int F_SETFD = 2;
    static final int F_GETFL = 3;
    static final int F_SETFL = 4;
    static final int FD_CLOEXEC = 1;
    /** The same on Linux and every BSD: O_ACCMODE 3, O_RDONLY 0, O_WRONLY 1, O_RDWR 2. */
    static final int O_ACCMODE = 3;
    static final int O_RDONLY = 0;
    static final int O_WRONLY = 1;

    final String os;
    final int evfiltRead;
    final int evfiltWrite;
    final int evfiltUser;
    final int evAdd;
    final int evDelete;
    final int evEnable;
    final int evDisable;
    final int evOneshot;
    final int evClear;
    final int evReceipt;
    final int evDispatch;
    final int evError;
    final int evEof;
    final int noteTrigger;
    final int oNonblock;
    /** EVFILT_PROC: -5, NetBSD's 4U. */
    final int evfiltProc;
    /** EVFILT_TIMER: -7, NetBSD's 6U. */
    final int evfiltTimer;
    /** NOTE_EXIT of EVFILT_PROC: 0x80000000 everywhere. */
    final int noteExit;
    /**
     * The EVFILT_TIMER fflags that make {@code data} nanoseconds: xnu and libkqueue 0x4, FreeBSD
     * 0x8 (the BSDs' NOTE_SECONDS/MSECONDS/USECONDS/NSECONDS bits; the default unit is
     * milliseconds everywhere), or {@link #NO_TIMER_UNIT}.
     */
    final int noteNseconds;

    private KqueueConstants(String os, int evfiltRead, int evfiltWrite, int evfiltUser,
                            int evAdd, int evDelete, int evEnable, int evDisable, int evOneshot,
                            int evClear, int evReceipt, int evDispatch, int evError, int evEof,
                            int noteTrigger, int oNonblock, int evfiltProc, int evfiltTimer, int noteExit,
                            int noteNseconds) {
        this.os = os;
        this.evfiltRead = evfiltRead;
        this.evfiltWrite = evfiltWrite;
        this.evfiltUser = evfiltUser;
        this.evAdd = evAdd;
        this.evDelete = evDelete;
        this.evEnable = evEnable;
        this.evDisable = evDisable;
        this.evOneshot = evOneshot;
        this.evClear = evClear;
        this.evReceipt = evReceipt;
        this.evDispatch = evDispatch;
        this.evError = evError;
        this.evEof = evEof;
        this.noteTrigger = noteTrigger;
        this.oNonblock = oNonblock;
        this.evfiltProc = evfiltProc;
        this.evfiltTimer = evfiltTimer;
        this.noteExit = noteExit;
        this.noteNseconds = noteNseconds;
    }

    /** The operation a change record asks for, for messages: {@code kevent(EV_ADD)}. */
    String operation(int flags, int fflags) {
        if ((flags & evDelete) != 0) return "kevent(EV_DELETE)";
        if ((flags & evAdd) != 0) return "kevent(EV_ADD)";
        if ((fflags & noteTrigger) != 0) return "kevent(NOTE_TRIGGER)";
        if ((flags & evEnable) != 0) return "kevent(EV_ENABLE)";
        if ((flags & evDisable) != 0) return "kevent(EV_DISABLE)";
        return "kevent";
    }
}
