package io.jpoll.kqueue;

import io.jpoll.NativeException;

import java.util.HashMap;
import java.util.Map;

/**
 * The kqueue backend's errors: the errno numbers it branches on, the symbolic names and texts of
 * errno values on one OS, and the one factory of its {@link NativeException}s. No other class
 * holds an errno number.
 *
 * <p>Numbers 1 to 34 come from V7 Unix and agree everywhere except 11 (EDEADLK on the BSDs, EAGAIN
 * on Linux); above 34 every family numbers on its own (EAGAIN is 35 on the BSDs and macOS, 11 on
 * Linux). Each table lists the values that kqueue, kevent, pipe, fcntl, read, write and close can
 * return, from the OS's {@code sys/errno.h} (Linux: {@code asm-generic/errno-base.h} and
 * {@code errno.h}). An unknown number is named {@code errno N}.
 */
final class Errno {
    /**
     * The errno numbers the backend branches on. All are V7 numbers (below 35), the same on every
     * OS here, Linux included; EAGAIN, which is not, is {@link #eagain} of each table.
     */
    static final int ENOENT = 2;
    /** EV_ADD of EVFILT_PROC, and pidfd_open, for a process that is gone. */
    static final int ESRCH = 3;
    static final int EINTR = 4;
    static final int EBADF = 9;
    static final int ENOMEM = 12;
    /** Only libkqueue before 2.7 answers it, for every refused knote (see {@link Changes#addErrno}). */
    static final int EFAULT = 14;
    static final int EINVAL = 22;
    static final int EPIPE = 32;

    private static final String[] V7 = {
            null, "EPERM", "ENOENT", "ESRCH", "EINTR", "EIO", "ENXIO", "E2BIG", "ENOEXEC", "EBADF", "ECHILD",
            null, "ENOMEM", "EACCES", "EFAULT", "ENOTBLK", "EBUSY", "EEXIST", "EXDEV", "ENODEV", "ENOTDIR",
            "EISDIR", "EINVAL", "ENFILE", "EMFILE", "ENOTTY", "ETXTBSY", "EFBIG", "ENOSPC", "ESPIPE", "EROFS",
            "EMLINK", "EPIPE", "EDOM", "ERANGE"};

    private static final Map<String, String> TEXT = new HashMap<>();

    static {
        text("EPERM", "Operation not permitted");
        text("ENOENT", "No such file or directory");
        text("ESRCH", "No such process");
        text("EINTR", "Interrupted system call");
        text("EIO", "Input/output error");
        text("ENXIO", "Device not configured");
        text("E2BIG", "Argument list too long");
        text("ENOEXEC", "Exec format error");
        text("EBADF", "Bad file descriptor");
        text("ECHILD", "No child processes");
        text("EDEADLK", "Resource deadlock avoided");
        text("ENOMEM", "Cannot allocate memory");
        text("EACCES", "Permission denied");
        text("EFAULT", "Bad address");
        text("ENOTBLK", "Block device required");
        text("EBUSY", "Device busy");
        text("EEXIST", "File exists");
        text("EXDEV", "Cross-device link");
        text("ENODEV", "Operation not supported by device");
        text("ENOTDIR", "Not a directory");
        text("EISDIR", "Is a directory");
        text("EINVAL", "Invalid argument");
        text("ENFILE", "Too many open files in system");
        text("EMFILE", "Too many open files");
        text("ENOTTY", "Inappropriate ioctl for device");
        text("ETXTBSY", "Text file busy");
        text("EFBIG", "File too large");
        text("ENOSPC", "No space left on device");
        text("ESPIPE", "Illegal seek");
        text("EROFS", "Read-only file system");
        text("EMLINK", "Too many links");
        text("EPIPE", "Broken pipe");
        text("EDOM", "Numerical argument out of domain");
        text("ERANGE", "Result too large");
        text("EAGAIN", "Resource temporarily unavailable");
        text("ENOTSOCK", "Socket operation on non-socket");
        text("EOPNOTSUPP", "Operation not supported");
        text("ENOTSUP", "Operation not supported");
        text("ENOSYS", "Function not implemented");
        text("EOVERFLOW", "Value too large to be stored in data type");
        text("ECANCELED", "Operation canceled");
    }

    /** xnu {@code bsd/sys/errno.h}. */
    static final Errno MACOS = new Errno("EDEADLK", 35, "EAGAIN", 38, "ENOTSOCK", 45, "ENOTSUP",
            78, "ENOSYS", 84, "EOVERFLOW", 89, "ECANCELED", 102, "EOPNOTSUPP");
    /** freebsd-src {@code sys/sys/errno.h}. */
    static final Errno FREEBSD = new Errno("EDEADLK", 35, "EAGAIN", 38, "ENOTSOCK", 45, "EOPNOTSUPP",
            78, "ENOSYS", 84, "EOVERFLOW", 85, "ECANCELED");
    /** DragonFly {@code sys/sys/errno.h}. */
    static final Errno DRAGONFLY = new Errno("EDEADLK", 35, "EAGAIN", 38, "ENOTSOCK", 45, "EOPNOTSUPP",
            78, "ENOSYS", 84, "EOVERFLOW", 85, "ECANCELED");
    /** OpenBSD {@code sys/sys/errno.h}. */
    static final Errno OPENBSD = new Errno("EDEADLK", 35, "EAGAIN", 38, "ENOTSOCK", 45, "EOPNOTSUPP",
            78, "ENOSYS", 87, "EOVERFLOW", 88, "ECANCELED", 91, "ENOTSUP");
    /** NetBSD {@code sys/sys/errno.h}. */
    static final Errno NETBSD = new Errno("EDEADLK", 35, "EAGAIN", 38, "ENOTSOCK", 45, "EOPNOTSUPP",
            78, "ENOSYS", 84, "EOVERFLOW", 86, "ENOTSUP", 87, "ECANCELED");
    /** Linux (libkqueue reports the host's errno): {@code asm-generic/errno-base.h}, {@code errno.h}. */
    static final Errno LINUX = new Errno("EAGAIN", 35, "EDEADLK", 38, "ENOSYS", 75, "EOVERFLOW",
            88, "ENOTSOCK", 95, "EOPNOTSUPP", 125, "ECANCELED");

    private final Map<Integer, String> names = new HashMap<>();
    /** EAGAIN on this OS: 35 on the BSDs and macOS, 11 on Linux. */
    final int eagain;

    /**
     * Builds one OS family's table: the V7 numbers 1 to 34 that every family shares, then the
     * family's own.
     *
     * @param errno11 the name of errno 11, where the families part
     * @param more    pairs of number and name above 34
     */
    private Errno(String errno11, Object... more) {
        for (int i = 1; i < V7.length; i++) {
            if (V7[i] != null) {
                names.put(i, V7[i]);
            }
        }
        names.put(11, errno11);
        for (int i = 0; i < more.length; i += 2) {
            names.put((Integer) more[i], (String) more[i + 1]);
        }
        eagain = number("EAGAIN");
    }

    /**
     * Whether the kernel refused an EVFILT_USER knote: EINVAL where it has no EVFILT_USER (older
     * OpenBSD and NetBSD), ENOMEM where the process holds as many as it may (OpenBSD's
     * kq_usereventsmax, 1024 EVFILT_USER and EVFILT_TIMER knotes per process). The caller then
     * wakes through a pipe.
     */
    static boolean userFilterRefused(int errno) {
        return errno == EINVAL || errno == ENOMEM;
    }

    /**
     * The exception for a failed call, whose message reads like
     * {@code kevent(EV_ADD) fd=7 token=3: EBADF (Bad file descriptor)}.
     *
     * @param operation the call and its mode, like {@code kevent(EV_ADD)}
     * @param label     how the handle is named ({@code fd}, {@code kq}), or null for a call on none
     * @param handle    the descriptor, ignored when {@code label} is null
     * @param detail    more context, like {@code token=3}, or null
     * @param code      this OS's errno
     */
    NativeException error(String operation, String label, long handle, String detail, int code) {
        return new NativeException(operation, label, handle, detail, code, name(code), description(code));
    }

    private static void text(String name, String text) {
        TEXT.put(name, text);
    }

    /** Like {@code EBADF}, or {@code errno 200} when this OS's table does not know the number. */
    String name(int errno) {
        String n = names.get(errno);
        return n != null ? n : "errno " + errno;
    }

    /** Like {@code Bad file descriptor}. */
    String description(int errno) {
        String n = names.get(errno);
        String t = n == null ? null : TEXT.get(n);
        return t != null ? t : "unknown error " + errno;
    }

    /** The number this OS gives {@code name}, or -1. */
    int number(String name) {
        for (Map.Entry<Integer, String> e : names.entrySet()) {
            if (e.getValue().equals(name)) {
                return e.getKey();
            }
        }
        return -1;
    }
}
