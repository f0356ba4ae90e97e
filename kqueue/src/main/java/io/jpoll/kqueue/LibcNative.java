package io.jpoll.kqueue;

/** The libc calls the backend makes besides kqueue's own, bound by JNA direct mapping. */
final class LibcNative {
    private LibcNative() {
    }

    static native int close(int fd);

    /** {@code int pipe(int fds[2])}; {@code fds} is the address of two ints. */
    static native int pipe(long fds);

    static native long read(int fd, long buf, long count);

    static native long write(int fd, long buf, long count);
}
