package io.jpoll.epoll;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * {@code epoll_pwait2} (Linux 5.11, glibc 2.35): epoll_wait with a nanosecond {@code timespec}, so
 * a 200 us timeout waits 200 us instead of a rounded-up millisecond. Bound through JNA separately
 * from {@link LibC} because an older libc lacks the symbol, and probed (through whichever binding
 * the selector uses) with one real call because a newer libc on an older kernel (or under seccomp)
 * fails it with ENOSYS or EPERM.
 */
final class EpollPwait2 {
    static final boolean BOUND = bind();
    private static volatile int probed; // 0 unknown, 1 works, -1 does not

    private EpollPwait2() {
    }

    static native int epoll_pwait2(int epfd, long events, int maxevents, long timeout, long sigmask);

    private static boolean bind() {
        try {
            NativeLibrary libc = NativeLibrary.getInstance(Platform.C_LIBRARY_NAME);
            libc.getFunction("epoll_pwait2"); // throws UnsatisfiedLinkError before register would
            Native.register(EpollPwait2.class, libc);
            return true;
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            return false;
        }
    }

    /** Whether epoll_pwait2 works here; the first caller probes it on its own epoll fd. */
    static boolean available(EpollNative calls, int epfd) {
        int p = probed;
        if (p == 0) {
            p = probe(calls, epfd) ? 1 : -1;
            probed = p;
        }
        return p > 0;
    }

    private static boolean probe(EpollNative calls, int epfd) {
        if (!calls.hasPwait2()) {
            return false;
        }
        // One epoll_event (16 bytes covers both layouts) and a zero timespec: returns at once.
        try (Memory scratch = new Memory(32)) {
            scratch.clear();
            long base = Pointer.nativeValue(scratch);
            int n = calls.epollPwait2(epfd, base, 1, base + 16, 0);
            return n >= 0 || n == -Errno.EINTR;
        }
    }
}
