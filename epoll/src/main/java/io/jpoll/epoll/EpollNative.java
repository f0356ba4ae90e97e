package io.jpoll.epoll;

/**
 * The native calls the epoll backend makes, and nothing else, so that two bindings can sit under
 * the same selector: JNA direct mapping on every JDK, and {@code java.lang.foreign} on JDK 22+
 * (in the multi-release jar). Pointers are {@code long} addresses of native memory the caller
 * owns, so both bindings work on the same buffers.
 *
 * <p>Every call returns what the C call returns when it succeeds, and {@code -errno} when it
 * fails, the kernel's own convention: errno travels in the return value, so reading it needs no
 * thread-local lookup by the caller and no allocation.
 */
interface EpollNative {
    /** A short name for diagnostics: {@code ffm} or {@code jna}. */
    String name();

    int epollCreate1(int flags);

    int epollCtl(int epfd, int op, int fd, long event);

    int epollWait(int epfd, long events, int maxEvents, int timeoutMillis);

    /** Whether libc has {@code epoll_pwait2}; the kernel may still refuse it (ENOSYS, EPERM). */
    boolean hasPwait2();

    int epollPwait2(int epfd, long events, int maxEvents, long timespec, long sigmask);

    int eventfd(int initval, int flags);

    /** Writes the read and the write end, two ints, at {@code fds}. */
    int pipe2(long fds, int flags);

    long read(int fd, long buf, long count);

    long write(int fd, long buf, long count);

    int close(int fd);

    /** {@code timerfd_create(clockid, flags)}: a new timerfd, or {@code -errno}. */
    int timerfdCreate(int clockid, int flags);

    /**
     * {@code timerfd_settime(fd, flags, newValue, oldValue)}: {@code newValue} is the address of a
     * {@code struct itimerspec} (32 bytes on LP64), {@code oldValue} one to fill, or 0.
     */
    int timerfdSettime(int fd, int flags, long newValue, long oldValue);

    /**
     * {@code pidfd_open(pid, flags)} through {@code syscall(2)}, since glibc has a wrapper only from
     * 2.36: a pidfd, or {@code -errno} (ENOSYS before Linux 5.3).
     */
    int pidfdOpen(int pid, int flags);
}
