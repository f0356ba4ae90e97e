package io.jpoll.it;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The few libc calls the Linux-only tests make themselves, to hand jpoll descriptors it did not
 * create (a raw eventfd, a regular file). Loaded only by tests enabled on Linux.
 */
final class LinuxLibc {
    // The generic Linux values, shared by x86, arm, riscv, ppc and s390 (not alpha, mips, sparc).
    static final int O_RDONLY = 0;
    static final int O_NONBLOCK = 0x800;
    static final int O_CLOEXEC = 0x80000;
    static final int EFD_NONBLOCK = O_NONBLOCK;
    static final int EFD_CLOEXEC = O_CLOEXEC;

    static {
        Native.register(LinuxLibc.class, Platform.C_LIBRARY_NAME);
    }

    private LinuxLibc() {
    }

    static native int eventfd(int initval, int flags);

    static native int open(String path, int flags);

    static native NativeLong read(int fd, byte[] buffer, NativeLong count);

    static native NativeLong write(int fd, byte[] buffer, NativeLong count);

    static native int close(int fd);

    static native int getpid();

    static native int gettid();

    static native int tgkill(int tgid, int tid, int signal);

    static native int __libc_current_sigrtmax();

    static native int sigaction(int signal, Pointer action, Pointer oldAction);

    /** A non-blocking eventfd with counter 0. */
    static int newEventFd() {
        return check("eventfd", eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
    }

    static int openReadOnly(String path) {
        return check("open " + path, open(path, O_RDONLY | O_CLOEXEC));
    }

    /** Adds {@code value} to an eventfd's counter. */
    static void addToCounter(int fd, long value) {
        byte[] b = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(value).array();
        long n = write(fd, b, new NativeLong(8)).longValue();
        if (n != 8) {
            throw new IllegalStateException("write to eventfd " + fd + " returned " + n + ", errno " + Native.getLastError());
        }
    }

    /** Reads and resets an eventfd's counter; -1 when it is 0 (the read would block). */
    static long takeCounter(int fd) {
        byte[] b = new byte[8];
        long n = read(fd, b, new NativeLong(8)).longValue();
        if (n == 8) {
            return ByteBuffer.wrap(b).order(ByteOrder.nativeOrder()).getLong();
        }
        int errno = Native.getLastError();
        if (n == -1 && errno == 11) { // EAGAIN
            return -1;
        }
        throw new IllegalStateException("read from eventfd " + fd + " returned " + n + ", errno " + errno);
    }

    /**
     * The signal the JDK itself sends to interrupt a thread blocked in I/O (SIGRTMAX - 2, see
     * sun.nio.ch.NativeThread), or -1 when no handler is installed for it. Its handler does nothing
     * and is installed without SA_RESTART, so it is a safe way to make a blocking call fail with
     * EINTR; with no handler the signal would kill the JVM, hence the check.
     */
    static int jdkInterruptSignal() {
        int signal = __libc_current_sigrtmax() - 2;
        try (Memory old = new Memory(512)) { // larger than struct sigaction on every Linux ABI
            old.clear();
            check("sigaction", sigaction(signal, null, old));
            long handler = old.getLong(0); // sa_handler comes first in glibc's struct sigaction
            return handler == 0 /* SIG_DFL */ || handler == 1 /* SIG_IGN */ ? -1 : signal;
        }
    }

    /** Sends {@code signal} to one thread of this process. */
    static void signalThread(int tid, int signal) {
        check("tgkill " + tid, tgkill(getpid(), tid, signal));
    }

    static void closeFd(int fd) {
        check("close " + fd, close(fd));
    }

    private static int check(String what, int result) {
        if (result < 0) {
            throw new IllegalStateException(what + " failed, errno " + Native.getLastError());
        }
        return result;
    }
}
