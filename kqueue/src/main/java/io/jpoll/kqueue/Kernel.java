package io.jpoll.kqueue;

/**
 * The system calls the selector, its change batches and its wake pipe make, behind one seam: in
 * production {@link #NATIVE} (the calls {@link Natives} binds), in tests a fake that behaves like
 * one kernel or another (its receipt style, its refusals), so what only a BSD kernel does can be
 * tested on any machine. Pointers are {@code long} addresses, as in the bindings.
 */
interface Kernel {
    /**
     * The real calls, through the binding {@link KernelBinding} chose once: java.lang.foreign on
     * JDK 22+, JNA otherwise. The only implementation loaded outside tests, so every call site
     * stays monomorphic.
     */
    Kernel NATIVE = KernelBinding.NATIVE;

    int kqueue();

    /**
     * {@code kevent()}; -1 with {@link #errno()} set on failure. A call that carries changes gives
     * each of them EV_RECEIPT, room for its receipt in the event list and a zero timeout (as
     * {@link ChangeBatch} does), so a failure of the call itself (as opposed to a change's, which
     * its receipt reports) happens before any change is applied: the java.lang.foreign binding
     * relies on it to learn errno by repeating the call (see FfmKernel).
     */
    int kevent(int kq, long changes, int nchanges, long events, int nevents, long timeout);

    int close(int fd);

    /** {@code int pipe(int fds[2])}; {@code fds} is the address of two ints. */
    int pipe(long fds);

    long read(int fd, long buf, long count);

    long write(int fd, long buf, long count);

    int fcntl(int fd, int cmd, int arg);

    int fcntl(int fd, int cmd);

    /** errno of this thread's last failed call through this kernel: read it right after a -1. */
    int errno();

    /**
     * Waits until the descriptors of kqueues closed so far are released, where the kqueue frees
     * them later than {@code close()} returns (libkqueue 2.7+); returns at once elsewhere.
     */
    void drainPendingClose();
}
