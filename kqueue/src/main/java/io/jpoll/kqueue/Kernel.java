package io.jpoll.kqueue;

/**
 * The system calls the selector, its change batches and its wake pipe make, behind one seam: in
 * production {@link #NATIVE} (the calls {@link Natives} binds), in tests a fake that behaves like
 * one kernel or another (its receipt style, its refusals), so what only a BSD kernel does can be
 * tested on any machine. Pointers are {@code long} addresses, as in the bindings.
 */
interface Kernel {
    /** The real calls. The only implementation loaded outside tests, so every call site stays monomorphic. */
    Kernel NATIVE = new NativeKernel();

    int kqueue();

    int kevent(int kq, long changes, int nchanges, long events, int nevents, long timeout);

    int close(int fd);

    /** {@code int pipe(int fds[2])}; {@code fds} is the address of two ints. */
    int pipe(long fds);

    long read(int fd, long buf, long count);

    long write(int fd, long buf, long count);

    int fcntl(int fd, int cmd, int arg);

    int fcntl(int fd, int cmd);

    /** errno of this thread's last call through this kernel. */
    int errno();

    /**
     * Waits until the descriptors of kqueues closed so far are released, where the kqueue frees
     * them later than {@code close()} returns (libkqueue 2.7+); returns at once elsewhere.
     */
    void drainPendingClose();

    /** {@link Kernel} over {@link Natives}. */
    final class NativeKernel implements Kernel {
        private NativeKernel() {
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
    }
}
