package io.jpoll.bench;

import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * The few libc calls the benchmarks themselves need, outside anything timed against jpoll:
 * eventfds for the eventfd variants, and poll(2) to wait until bytes sent over loopback TCP have
 * arrived (delivery runs in a softirq that a loaded machine defers to ksoftirqd).
 */
public final class Posix {
    static final int EFD_NONBLOCK = 0x800;
    static final int EFD_CLOEXEC = 0x80000;
    static final short POLLIN = 0x1;

    static {
        Native.register(Posix.class, Platform.C_LIBRARY_NAME);
    }

    private Posix() {
    }

    static native int eventfd(int initval, int flags);

    static native long write(int fd, long buf, long count);

    static native int close(int fd);

    /** {@code struct pollfd *fds} as an address; nfds_t is an unsigned long on LP64. */
    static native int poll(long fds, long nfds, int timeoutMillis);
}
