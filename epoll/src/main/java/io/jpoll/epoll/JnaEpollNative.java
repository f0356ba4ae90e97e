package io.jpoll.epoll;

import com.sun.jna.Native;

/** The JNA binding: {@link LibC} and {@link EpollPwait2}, errno from {@code Native.getLastError()}. */
final class JnaEpollNative implements EpollNative {
    static final JnaEpollNative INSTANCE = new JnaEpollNative();

    private JnaEpollNative() {
    }

    private static int check(int result) {
        return result < 0 ? -Native.getLastError() : result;
    }

    private static long check(long result) {
        return result < 0 ? -Native.getLastError() : result;
    }

    @Override
    public String name() {
        return "jna";
    }

    @Override
    public int epollCreate1(int flags) {
        return check(LibC.epoll_create1(flags));
    }

    @Override
    public int epollCtl(int epfd, int op, int fd, long event) {
        return check(LibC.epoll_ctl(epfd, op, fd, event));
    }

    @Override
    public int epollWait(int epfd, long events, int maxEvents, int timeoutMillis) {
        return check(LibC.epoll_wait(epfd, events, maxEvents, timeoutMillis));
    }

    @Override
    public boolean hasPwait2() {
        return EpollPwait2.BOUND;
    }

    @Override
    public int epollPwait2(int epfd, long events, int maxEvents, long timespec, long sigmask) {
        return check(EpollPwait2.epoll_pwait2(epfd, events, maxEvents, timespec, sigmask));
    }

    @Override
    public int eventfd(int initval, int flags) {
        return check(LibC.eventfd(initval, flags));
    }

    @Override
    public int pipe2(long fds, int flags) {
        return check(LibC.pipe2(fds, flags));
    }

    @Override
    public long read(int fd, long buf, long count) {
        return check(LibC.read(fd, buf, count));
    }

    @Override
    public long write(int fd, long buf, long count) {
        return check(LibC.write(fd, buf, count));
    }

    @Override
    public int close(int fd) {
        return check(LibC.close(fd));
    }

    @Override
    public int timerfdCreate(int clockid, int flags) {
        return check(LibC.timerfd_create(clockid, flags));
    }

    @Override
    public int timerfdSettime(int fd, int flags, long newValue, long oldValue) {
        return check(LibC.timerfd_settime(fd, flags, newValue, oldValue));
    }

    @Override
    public int pidfdOpen(int pid, int flags) {
        return (int) check(LibC.syscall(LibC.SYS_PIDFD_OPEN, pid, flags));
    }
}
