package io.jpoll.kqueue;

/** {@link Kernel} over {@link Natives}: JNA direct mapping, errno saved by JNA after each call. */
final class JnaKernel implements Kernel {
    static final JnaKernel INSTANCE = new JnaKernel();

    private JnaKernel() {
    }

    @Override
    public int kqueue() {
        return Natives.kqueue();
    }

    @Override
    public int kevent(int kq, long changes, int nchanges, long events, int nevents, long timeout) {
        return Natives.kevent(kq, changes, nchanges, events, nevents, timeout);
    }

    @Override
    public int close(int fd) {
        return Natives.close(fd);
    }

    @Override
    public int pipe(long fds) {
        return Natives.pipe(fds);
    }

    @Override
    public long read(int fd, long buf, long count) {
        return Natives.read(fd, buf, count);
    }

    @Override
    public long write(int fd, long buf, long count) {
        return Natives.write(fd, buf, count);
    }

    @Override
    public int fcntl(int fd, int cmd, int arg) {
        return Natives.fcntl(fd, cmd, arg);
    }

    @Override
    public int fcntl(int fd, int cmd) {
        return Natives.fcntl(fd, cmd);
    }

    @Override
    public int errno() {
        return Natives.errno();
    }

    @Override
    public void drainPendingClose() {
        Natives.drainPendingClose();
    }

    @Override
    public String toString() {
        return "jna";
    }
}
