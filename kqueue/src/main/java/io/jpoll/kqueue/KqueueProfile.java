package io.jpoll.kqueue;

import io.jpoll.spi.Platform;

/**
 * Everything that differs between the kqueues this backend drives: the {@code struct kevent}
 * layout, the constant table, the errno names, the type of kevent's counts and the largest timeout
 * the implementation takes. Chosen once per process from the OS (and on Linux from the presence of
 * libkqueue).
 */
enum KqueueProfile {
    MACOS(KeventLayout.BSD, KqueueConstants.MACOS, Errno.MACOS, false, Integer.MAX_VALUE, true),
    /**
     * FreeBSD whose libc binds {@code kevent@FBSD_1.5}: the 64-byte {@code struct kevent}. The
     * binding picks between this and {@link #FREEBSD_11} from the symbol it got ({@link FreebsdKevent}).
     */
    FREEBSD(KeventLayout.FREEBSD_12, KqueueConstants.FREEBSD, Errno.FREEBSD, false, Integer.MAX_VALUE, true),
    /**
     * FreeBSD whose libc binds {@code kevent@FBSD_1.0} (an 11.x userland): the 32-byte {@code struct kevent}.
     * Timers stay in milliseconds there: NOTE_NSECONDS is only relied on from FreeBSD 12.
     */
    FREEBSD_11(KeventLayout.BSD, KqueueConstants.FREEBSD, Errno.FREEBSD, false, Integer.MAX_VALUE, false),
    OPENBSD(KeventLayout.BSD, KqueueConstants.OPENBSD, Errno.OPENBSD, false, Integer.MAX_VALUE, false),
    /** NetBSD: the 40-byte {@code struct kevent}, {@code __kevent50} with {@code size_t} counts. */
    NETBSD(KeventLayout.NETBSD, KqueueConstants.NETBSD, Errno.NETBSD, true, Integer.MAX_VALUE, false),
    DRAGONFLY(KeventLayout.BSD, KqueueConstants.DRAGONFLY, Errno.DRAGONFLY, false, Integer.MAX_VALUE, false),
    /**
     * libkqueue on Linux. Its kevent() turns a whole-millisecond timespec into an {@code int} of
     * milliseconds for epoll_wait ({@code 1000 * tv_sec} overflows past 2^31 ms, about 24.8 days),
     * so longer waits are made unbounded. Its timers (timerfds) take NOTE_NSECONDS; the selector
     * still falls back to milliseconds on a libkqueue too old to answer NOTE_VERSION (before 2.6).
     */
    LIBKQUEUE(KeventLayout.BSD, KqueueConstants.LIBKQUEUE, Errno.LINUX, false, Integer.MAX_VALUE / 1000, true);

    final KeventLayout layout;
    final KqueueConstants constants;
    final Errno errno;
    /** NetBSD's kevent takes {@code size_t} counts; the others {@code int}. */
    final boolean sizeTCounts;
    /** Timeouts of this many seconds or more wait without a bound. */
    final long maxTimeoutSeconds;
    /** Interests and records to and from this OS's filters. */
    final KqueueFilters filters;
    /**
     * Whether EVFILT_TIMER is given nanoseconds ({@link KqueueConstants#noteNseconds}); otherwise
     * whole milliseconds, rounded up.
     */
    final boolean nanosecondTimers;

    KqueueProfile(KeventLayout layout, KqueueConstants constants, Errno errno, boolean sizeTCounts,
                  long maxTimeoutSeconds, boolean nanosecondTimers) {
        this.layout = layout;
        this.constants = constants;
        this.errno = errno;
        this.sizeTCounts = sizeTCounts;
        this.maxTimeoutSeconds = maxTimeoutSeconds;
        this.filters = new KqueueFilters(constants);
        this.nanosecondTimers = nanosecondTimers && constants.noteNseconds != KqueueConstants.NO_TIMER_UNIT;
    }

    /**
     * The profile for an OS, or null where kqueue does not exist natively (Linux without
     * libkqueue, Windows).
     *
     * @param osVersion the {@code os.version} property, consulted on FreeBSD (like {@code 14.1-RELEASE});
     *                  a first guess that the binding replaces with the layout of the symbol it bound
     * @param libkqueue whether a libkqueue library was named on Linux
     */
    static KqueueProfile of(Platform.Os os, String osVersion, boolean libkqueue) {
        switch (os) {
            case MACOS:
                return MACOS;
            case FREEBSD:
                return freebsdMajor(osVersion) >= 12 ? FREEBSD : FREEBSD_11;
            case OPENBSD:
                return OPENBSD;
            case NETBSD:
                return NETBSD;
            case DRAGONFLY:
                return DRAGONFLY;
            case LINUX:
                return libkqueue ? LIBKQUEUE : null;
            default:
                return null;
        }
    }

    /** The major version in {@code 13.2-RELEASE-p4}; an unreadable version counts as current. */
    static int freebsdMajor(String osVersion) {
        int major = 0;
        int i = 0;
        while (osVersion != null && i < osVersion.length() && Character.isDigit(osVersion.charAt(i))) {
            major = major * 10 + (osVersion.charAt(i) - '0');
            i++;
        }
        return i == 0 ? Integer.MAX_VALUE : major;
    }
}
