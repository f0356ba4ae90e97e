package io.jpoll.epoll;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The {@code java.lang.foreign} binding (JDK 22+). Downcall handles are built once into
 * {@code static final} fields, so a call compiles to a direct native call. Pointers and
 * {@code size_t} are passed as {@code JAVA_LONG}, which on LP64 Linux is the same register as a
 * pointer, so no {@code MemorySegment} is made per call.
 *
 * <p>errno is captured by the linker ({@code captureCallState}) into a segment that each thread
 * allocates once and reuses: calls come from any thread (pollers, registrars, wakers), and a
 * per-thread segment needs no synchronisation. But a capturing downcall slices that segment on
 * every call (SharedUtils.checkCaptureSegment), a 40-byte object that only C2's escape analysis
 * removes, and only where it inlines the whole adapter: under load the allocation test saw a C2
 * compilation keep one call site allocating. So the hot calls (epoll_ctl, epoll_wait,
 * epoll_pwait2, read, write) go first through a handle that captures nothing, whose arguments are
 * all primitives and cannot allocate, and only when that fails are they repeated once through the
 * capturing handle to learn errno. Repeating is sound for these calls: their lasting failures
 * (EBADF, EEXIST, ENOENT, EAGAIN on a full eventfd, ENOSPC...) recur, and when the repeat succeeds
 * its result is the call's. The waits repeat with a zero timeout, so they never block twice, and
 * a repeat that finds nothing reports EINTR, which the selector answers by waiting out the time
 * left. close is never repeated (the fd may already be gone and reused), nor are the calls that
 * create descriptors; they always capture, and are not on the hot path.
 *
 * <p>No call here is marked {@code critical}: measured on JDK 25 (2026-12, 2 cores loaded by
 * other work, 5 alternating JVM runs, medians of per-call ns), marking epoll_ctl, the eventfd
 * write and a zero-timeout epoll_wait critical bought nothing: empty poll 1,360 against 1,216 ns
 * plain, ONESHOT re-arm 1,427 against 1,404, register and deregister 3,579 against 3,399 (an
 * earlier run, when every call captured errno, gave 1.01x to 1.03x). Not worth a thread that
 * cannot reach a safepoint; and a blocking epoll_wait must never be critical.
 *
 * <p>Loaded by name from {@link EpollBinding}; a static initializer that throws (native access
 * denied, a missing symbol) makes the backend fall back to JNA.
 */
final class FfmEpollNative implements EpollNative {
    static {
        checkNativeAccess();
    }

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout STATE_LAYOUT = Linker.Option.captureStateLayout();
    private static final long ERRNO = STATE_LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
    private static final ThreadLocal<MemorySegment> STATE =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(STATE_LAYOUT));

    private static final FunctionDescriptor CTL = FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG);
    private static final FunctionDescriptor WAIT = FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT);
    private static final FunctionDescriptor PWAIT2 =
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG);
    private static final FunctionDescriptor IO = FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG);

    private static final MethodHandle EPOLL_CREATE1 = capturing("epoll_create1", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle EPOLL_CTL = plain("epoll_ctl", CTL);
    private static final MethodHandle EPOLL_CTL_ERRNO = capturing("epoll_ctl", CTL);
    private static final MethodHandle EPOLL_WAIT = plain("epoll_wait", WAIT);
    private static final MethodHandle EPOLL_WAIT_ERRNO = capturing("epoll_wait", WAIT);
    /** Null where libc predates epoll_pwait2 (glibc < 2.35). */
    private static final MethodHandle EPOLL_PWAIT2 = LIBC.find("epoll_pwait2")
            .map(symbol -> LINKER.downcallHandle(symbol, PWAIT2)).orElse(null);
    private static final MethodHandle EPOLL_PWAIT2_ERRNO = LIBC.find("epoll_pwait2")
            .map(symbol -> LINKER.downcallHandle(symbol, PWAIT2, CAPTURE_ERRNO)).orElse(null);
    private static final MethodHandle EVENTFD = capturing("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle PIPE2 = capturing("pipe2", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT));
    private static final MethodHandle READ = plain("read", IO);
    private static final MethodHandle READ_ERRNO = capturing("read", IO);
    private static final MethodHandle WRITE = plain("write", IO);
    private static final MethodHandle WRITE_ERRNO = capturing("write", IO);
    private static final MethodHandle CLOSE = capturing("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle TIMERFD_CREATE =
            capturing("timerfd_create", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final FunctionDescriptor SETTIME = FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG);
    /** Arming and cancelling a timer are hot (0 B/op is the goal): first without capture, as read is. */
    private static final MethodHandle TIMERFD_SETTIME = plain("timerfd_settime", SETTIME);
    private static final MethodHandle TIMERFD_SETTIME_ERRNO = capturing("timerfd_settime", SETTIME);
    /** syscall(long number, ...): the two arguments after the number are variadic. */
    private static final MethodHandle SYSCALL2 = LINKER.downcallHandle(symbol("syscall"),
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
            Linker.Option.firstVariadicArg(1), CAPTURE_ERRNO);

    static final FfmEpollNative INSTANCE = new FfmEpollNative();

    private FfmEpollNative() {
    }

    /**
     * Refuses where FFM would print a restricted-method warning that JNA would not: before JDK 24
     * JNI was unrestricted, so without {@code --enable-native-access} JNA is the quieter choice.
     * From JDK 24 both warn alike, and a denial ({@code --illegal-native-access=deny}) surfaces as
     * the IllegalCallerException of the first downcallHandle.
     */
    private static void checkNativeAccess() {
        Module module = FfmEpollNative.class.getModule();
        if (!module.isNativeAccessEnabled() && Runtime.version().feature() < 24) {
            throw new IllegalCallerException("native access is not enabled for " + module
                    + " (--enable-native-access), which JNA does not need before JDK 24");
        }
    }

    private static MemorySegment symbol(String name) {
        return LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
    }

    private static MethodHandle plain(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(symbol(name), descriptor);
    }

    private static MethodHandle capturing(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(symbol(name), descriptor, CAPTURE_ERRNO);
    }

    private static int errno(MemorySegment state) {
        return state.get(JAVA_INT, ERRNO);
    }

    /** invokeExact declares Throwable; a native call throws nothing checked. */
    private static RuntimeException unexpected(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }

    @Override
    public String name() {
        return "ffm";
    }

    @Override
    public int epollCreate1(int flags) {
        MemorySegment state = STATE.get();
        try {
            int r = (int) EPOLL_CREATE1.invokeExact(state, flags);
            return r < 0 ? -errno(state) : r;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    @Override
    public int epollCtl(int epfd, int op, int fd, long event) {
        try {
            int r = (int) EPOLL_CTL.invokeExact(epfd, op, fd, event);
            return r >= 0 ? r : epollCtlErrno(epfd, op, fd, event);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static int epollCtlErrno(int epfd, int op, int fd, long event) throws Throwable {
        MemorySegment state = STATE.get();
        int r = (int) EPOLL_CTL_ERRNO.invokeExact(state, epfd, op, fd, event);
        return r >= 0 ? r : -errno(state);
    }

    @Override
    public int epollWait(int epfd, long events, int maxEvents, int timeoutMillis) {
        try {
            int r = (int) EPOLL_WAIT.invokeExact(epfd, events, maxEvents, timeoutMillis);
            return r >= 0 ? r : epollWaitErrno(epfd, events, maxEvents);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** The failed wait again, without blocking; records it finds are the call's. */
    private static int epollWaitErrno(int epfd, long events, int maxEvents) throws Throwable {
        MemorySegment state = STATE.get();
        int r = (int) EPOLL_WAIT_ERRNO.invokeExact(state, epfd, events, maxEvents, 0);
        return r > 0 ? r : r == 0 ? -Errno.EINTR : -errno(state);
    }

    @Override
    public boolean hasPwait2() {
        return EPOLL_PWAIT2 != null;
    }

    @Override
    public int epollPwait2(int epfd, long events, int maxEvents, long timespec, long sigmask) {
        try {
            int r = (int) EPOLL_PWAIT2.invokeExact(epfd, events, maxEvents, timespec, sigmask);
            return r >= 0 ? r : epollPwait2Errno(epfd, events, maxEvents, timespec, sigmask);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * The failed wait again with the caller's timespec zeroed, so it does not block; the same call,
     * since epoll_pwait2 has failures of its own (ENOSYS, EPERM under seccomp) that the probe must see.
     */
    private static int epollPwait2Errno(int epfd, long events, int maxEvents, long timespec, long sigmask)
            throws Throwable {
        MemorySegment.ofAddress(timespec).reinterpret(16).fill((byte) 0);
        MemorySegment state = STATE.get();
        int r = (int) EPOLL_PWAIT2_ERRNO.invokeExact(state, epfd, events, maxEvents, timespec, sigmask);
        return r > 0 ? r : r == 0 ? -Errno.EINTR : -errno(state);
    }

    @Override
    public int eventfd(int initval, int flags) {
        MemorySegment state = STATE.get();
        try {
            int r = (int) EVENTFD.invokeExact(state, initval, flags);
            return r < 0 ? -errno(state) : r;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    @Override
    public int pipe2(long fds, int flags) {
        MemorySegment state = STATE.get();
        try {
            int r = (int) PIPE2.invokeExact(state, fds, flags);
            return r < 0 ? -errno(state) : r;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    @Override
    public long read(int fd, long buf, long count) {
        try {
            long r = (long) READ.invokeExact(fd, buf, count);
            if (r >= 0) {
                return r;
            }
            MemorySegment state = STATE.get();
            r = (long) READ_ERRNO.invokeExact(state, fd, buf, count);
            return r >= 0 ? r : -errno(state);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    @Override
    public long write(int fd, long buf, long count) {
        try {
            long r = (long) WRITE.invokeExact(fd, buf, count);
            if (r >= 0) {
                return r;
            }
            MemorySegment state = STATE.get();
            r = (long) WRITE_ERRNO.invokeExact(state, fd, buf, count);
            return r >= 0 ? r : -errno(state);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    @Override
    public int close(int fd) {
        MemorySegment state = STATE.get();
        try {
            int r = (int) CLOSE.invokeExact(state, fd);
            return r < 0 ? -errno(state) : r;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    @Override
    public int timerfdCreate(int clockid, int flags) {
        MemorySegment state = STATE.get();
        try {
            int r = (int) TIMERFD_CREATE.invokeExact(state, clockid, flags);
            return r < 0 ? -errno(state) : r;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** Repeating a failed settime is sound: it sets the same value again, and its failures recur. */
    @Override
    public int timerfdSettime(int fd, int flags, long newValue, long oldValue) {
        try {
            int r = (int) TIMERFD_SETTIME.invokeExact(fd, flags, newValue, oldValue);
            if (r >= 0) {
                return r;
            }
            MemorySegment state = STATE.get();
            r = (int) TIMERFD_SETTIME_ERRNO.invokeExact(state, fd, flags, newValue, oldValue);
            return r >= 0 ? r : -errno(state);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    @Override
    public int pidfdOpen(int pid, int flags) {
        MemorySegment state = STATE.get();
        try {
            long r = (long) SYSCALL2.invokeExact(state, LibC.SYS_PIDFD_OPEN, (long) pid, (long) flags);
            return r < 0 ? -errno(state) : (int) r;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }
}
