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
 * <p>The numbers are the kernel's generic ones (include/uapi/asm-generic errno-base.h, fcntl.h,
 * signal.h, resource.h), which every 64-bit Linux architecture uses except alpha, mips64, sparc64
 * and parisc, whose errno, O_*, signal and rlimit numbers are their own; x86 and powerpc keep
 * headers of their own with the same values for everything used here. {@link #SUPPORTED} is
 * true on every 64-bit Linux but those (and ia64, whose glibc {@code struct sigaction} is its
 * own): x86_64, aarch64, riscv64, ppc64le, ppc64, s390x, loongarch64. Every call here takes
 * {@code long} for {@code size_t}, {@code rlim_t}, {@code nfds_t}, {@code pthread_t} and
 * pointers, which is exact on LP64 whatever the byte order.
 */
final class LinuxC {
    static final String ARCH = io.jpoll.spi.Platform.arch();

    static final boolean SUPPORTED = Platform.isLinux() && Platform.is64Bit() && !ownNumbering(ARCH);

    static final int EINTR = 4;
    static final int EBADF = 9;
    static final int EAGAIN = 11;
    static final int EMFILE = 24;

    static final int O_RDONLY = 0;
    static final int O_NONBLOCK = 0x800;
    static final int O_CLOEXEC = 0x80000;

    static final int SIGURG = 23;
    static final int RLIMIT_NOFILE = 7;

    /**
     * {@code struct sigaction} is 152 bytes on LP64 with the handler first, but the C library
     * decides where the flags go. musl, and glibc everywhere but s390x: handler, 128-byte mask,
     * int flags at 136, restorer. glibc on s390x (sysdeps/unix/sysv/linux/s390/bits/sigaction.h):
     * handler, a reserved int, int flags at 12, restorer, then the mask.
     */
    static final int SIGACTION_SIZE = 152;
    static final int SIGACTION_FLAGS_OFFSET = "s390x".equals(ARCH) && SUPPORTED && isGlibc() ? 12 : 136;

    static {
        if (SUPPORTED) {
            Native.register(LinuxC.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
        }
    }

    private LinuxC() {
    }

    /** The 64-bit Linux ABIs whose numbers differ from the generic ones used here. */
    private static boolean ownNumbering(String arch) {
        return arch.startsWith("alpha") || arch.startsWith("mips") || arch.startsWith("sparc")
                || arch.startsWith("parisc") || arch.startsWith("hppa") || arch.equals("ia64");
    }

    /** glibc exports gnu_get_libc_version; musl does not. */
    private static boolean isGlibc() {
        try {
            NativeLibrary.getInstance(Platform.C_LIBRARY_NAME).getFunction("gnu_get_libc_version");
            return true;
        } catch (UnsatisfiedLinkError e) {
            return false;
        }
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
