package io.jpoll.hardening;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Structure;

/**
 * The libc calls the Linux-only hardening tests make to build fixtures the public API cannot:
 * raw pipes at known descriptor numbers, signals aimed at one thread, a lowered fd limit.
 * Direct-mapped like the backend; errno comes from {@link Native#getLastError()}.
 *
 * <p>Constants are the generic Linux values shared by x86_64 and aarch64, the architectures these
 * tests run on; {@link #SUPPORTED} says whether this JVM is one of them.
 */
final class LinuxC {
    static final boolean SUPPORTED = Platform.isLinux() && Platform.is64Bit()
            && (Platform.isIntel() || Platform.isARM());

    static final int EINTR = 4;
    static final int EBADF = 9;
    static final int EAGAIN = 11;
    static final int EMFILE = 24;

    static final int O_RDONLY = 0;
    static final int O_NONBLOCK = 0x800;
    static final int O_CLOEXEC = 0x80000;

    static final int SIGURG = 23;
    static final int RLIMIT_NOFILE = 7;

    /** glibc's and musl's {@code struct sigaction} on LP64: handler, 128-byte mask, int flags, restorer. */
    static final int SIGACTION_SIZE = 152;
    static final int SIGACTION_FLAGS_OFFSET = 136;

    static {
        if (SUPPORTED) {
            Native.register(LinuxC.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
        }
    }

    private LinuxC() {
    }

    static native int pipe2(int[] fds, int flags);

    static native int eventfd(int initval, int flags);

    static native int open(String path, int flags);

    static native int dup(int fd);

    static native int dup2(int oldfd, int newfd);

    static native int close(int fd);

    static native long read(int fd, byte[] buf, long count);

    static native long write(int fd, byte[] buf, long count);

    static native long pthread_self();

    static native int pthread_kill(long thread, int sig);

    static native int sigaction(int sig, long act, long oldact);

    /** {@code poll(2)} with no descriptors: a plain interruptible sleep, for the signal control run. */
    static native int poll(long fds, long nfds, int timeoutMillis);

    static native int getrlimit(int resource, long[] rlimit);

    static native int setrlimit(int resource, long[] rlimit);

    /** The address of a libc function, for use as a signal handler. */
    static long functionAddress(String name) {
        return com.sun.jna.Pointer.nativeValue(NativeLibrary.getInstance(Platform.C_LIBRARY_NAME).getFunction(name));
    }

    /** A non-blocking, close-on-exec pipe: {read end, write end}. */
    static int[] pipe() {
        int[] fds = new int[2];
        if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0) {
            throw new IllegalStateException("pipe2: errno " + Native.getLastError());
        }
        return fds;
    }

    /** Reads what a non-blocking fd holds right now, up to 4 KiB; 0 when it would block. */
    static int available(int fd) {
        byte[] buf = new byte[4096];
        long n = read(fd, buf, buf.length);
        if (n < 0) {
            int errno = Native.getLastError();
            if (errno == EAGAIN) {
                return 0;
            }
            throw new IllegalStateException("read(" + fd + "): errno " + errno);
        }
        return (int) n;
    }

    /** glibc's {@code mallinfo2()}: bytes the C heap has handed out, a native-memory figure RSS blurs. */
    interface Malloc extends Library {
        Malloc INSTANCE = load();

        MallInfo2.ByValue mallinfo2();

        private static Malloc load() {
            try {
                Malloc m = Native.load(Platform.C_LIBRARY_NAME, Malloc.class);
                m.mallinfo2();
                return m;
            } catch (UnsatisfiedLinkError | RuntimeException e) {
                return null; // musl or glibc before 2.33
            }
        }
    }

    /** {@code struct mallinfo2}: ten size_t fields. */
    @Structure.FieldOrder({"arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks",
            "uordblks", "fordblks", "keepcost"})
    public static class MallInfo2 extends Structure {
        public long arena;
        public long ordblks;
        public long smblks;
        public long hblks;
        public long hblkhd;
        public long usmblks;
        public long fsmblks;
        public long uordblks;
        public long fordblks;
        public long keepcost;

        public static class ByValue extends MallInfo2 implements Structure.ByValue {
        }
    }
}
