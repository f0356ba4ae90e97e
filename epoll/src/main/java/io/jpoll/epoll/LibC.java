package io.jpoll.epoll;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;

/**
 * The glibc/musl calls the epoll backend makes, bound by JNA direct mapping: a plain JNI-speed
 * call with primitive arguments, pointers passed as {@code long} addresses. Nothing here holds
 * state or logic; {@link EpollSelector} does. errno is read with {@code Native.getLastError()}
 * right after a call that returned -1; the values the backend branches on are in {@link Errno}.
 *
 * <p>Only LP64 Linux is supported, so {@code long} is both {@code size_t} and a pointer.
 */
final class LibC {
    static {
        Native.register(LibC.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
    }

    private LibC() {
    }

    static native int epoll_create1(int flags);

    static native int epoll_ctl(int epfd, int op, int fd, long event);

    static native int epoll_wait(int epfd, long events, int maxevents, int timeoutMillis);

    static native int eventfd(int initval, int flags);

    /** Writes the read and the write end, two ints, at {@code fds}. */
    static native int pipe2(long fds, int flags);

    static native long read(int fd, long buf, long count);

    static native long write(int fd, long buf, long count);

    static native int close(int fd);

    static native int timerfd_create(int clockid, int flags);

    /** {@code newValue} and {@code oldValue} are addresses of {@code struct itimerspec}; old may be 0. */
    static native int timerfd_settime(int fd, int flags, long newValue, long oldValue);

    /**
     * {@code __NR_pidfd_open}: 434 on every architecture jpoll runs on (x86_64, aarch64, riscv64,
     * ppc64le, s390x), since Linux 5.3 numbered new calls alike everywhere; only alpha and ia64,
     * which jpoll does not support, differ (544).
     */
    static final long SYS_PIDFD_OPEN = 434;

    /**
     * {@code syscall(number, a, b)}. syscall is variadic, but every argument here is a 64-bit integer
     * in a general register, which the fixed-argument convention passes the same way on every LP64
     * ABI jpoll supports (on x86_64 the callee ignores {@code %al} beyond saving vector registers).
     */
    static native long syscall(long number, long a, long b);

    /** Cold path only: builds exception messages. */
    static native String strerror(int errnum);
}
