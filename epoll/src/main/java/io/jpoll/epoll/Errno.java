package io.jpoll.epoll;

import io.jpoll.NativeException;

/**
 * The epoll backend's one owner of errno: every value it branches on, the symbolic names of Linux
 * errno values (include/uapi/asm-generic/errno-base.h and errno.h, shared by x86_64, aarch64,
 * riscv64, ppc64le and s390x), and {@link #error}, the factory of every NativeException it throws.
 */
final class Errno {
    static final int ENOENT = 2;
    static final int EINTR = 4;
    static final int EAGAIN = 11;
    static final int EEXIST = 17;
    static final int ENOSPC = 28;
    static final int ENOSYS = 38;
    static final int ESRCH = 3;

    private static final String[] NAMES = new String[134];

    static {
        String[] base = {null, "EPERM", "ENOENT", "ESRCH", "EINTR", "EIO", "ENXIO", "E2BIG", "ENOEXEC",
                "EBADF", "ECHILD", "EAGAIN", "ENOMEM", "EACCES", "EFAULT", "ENOTBLK", "EBUSY", "EEXIST",
                "EXDEV", "ENODEV", "ENOTDIR", "EISDIR", "EINVAL", "ENFILE", "EMFILE", "ENOTTY", "ETXTBSY",
                "EFBIG", "ENOSPC", "ESPIPE", "EROFS", "EMLINK", "EPIPE", "EDOM", "ERANGE", "EDEADLK",
                "ENAMETOOLONG", "ENOLCK", "ENOSYS", "ENOTEMPTY", "ELOOP"};
        System.arraycopy(base, 0, NAMES, 0, base.length);
        NAMES[75] = "EOVERFLOW";
        NAMES[88] = "ENOTSOCK";
        NAMES[95] = "EOPNOTSUPP";
        NAMES[97] = "EAFNOSUPPORT";
        NAMES[98] = "EADDRINUSE";
        NAMES[99] = "EADDRNOTAVAIL";
        NAMES[100] = "ENETDOWN";
        NAMES[101] = "ENETUNREACH";
        NAMES[103] = "ECONNABORTED";
        NAMES[104] = "ECONNRESET";
        NAMES[105] = "ENOBUFS";
        NAMES[106] = "EISCONN";
        NAMES[107] = "ENOTCONN";
        NAMES[110] = "ETIMEDOUT";
        NAMES[111] = "ECONNREFUSED";
        NAMES[113] = "EHOSTUNREACH";
        NAMES[114] = "EALREADY";
        NAMES[115] = "EINPROGRESS";
    }

    private Errno() {
    }

    /** Like {@code EPERM}, or {@code errno 200} for a number without a name here. */
    static String name(int errno) {
        String n = errno >= 0 && errno < NAMES.length ? NAMES[errno] : null;
        return n != null ? n : "errno " + errno;
    }

    static String describe(int errno) {
        try {
            String s = LibC.strerror(errno);
            return s != null ? s : "unknown error";
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            return "unknown error";
        }
    }

    /**
     * The NativeException of a failed call, like {@code epoll_ctl(ADD) fd=7 token=3: EPERM (Operation
     * not permitted)}. The same signature as the kqueue and iocp backends' factories.
     *
     * @param operation   the call and its mode
     * @param handleLabel {@code fd}, or null when the call had no descriptor
     * @param handle      the descriptor, ignored when {@code handleLabel} is null
     * @param detail      more context such as the token, or null
     * @param code        the errno, positive
     */
    static NativeException error(String operation, String handleLabel, long handle, String detail, int code) {
        return new NativeException(operation, handleLabel, handle, detail, code, name(code), describe(code));
    }

    /**
     * The shorthand of {@link #error} for a descriptor, or none when {@code fd < 0}, kept for the
     * callers written before {@link #error}; new code calls {@link #error}.
     */
    static NativeException exception(String operation, int fd, String detail, int errno) {
        return error(operation, fd >= 0 ? "fd" : null, fd, detail, errno);
    }
}
