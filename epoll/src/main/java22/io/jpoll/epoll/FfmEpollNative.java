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
 * per-thread segment needs no synchronisation. No call here is marked {@code critical}: the
 * measured gain on epoll_ctl and the eventfd write was within noise, and epoll_wait with a timeout
 * must never be one.
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

    private static final MethodHandle EPOLL_CREATE1 = handle("epoll_create1", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle EPOLL_CTL = handle("epoll_ctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle EPOLL_WAIT = handle("epoll_wait",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT));
    /** Null where libc predates epoll_pwait2 (glibc < 2.35). */
    private static final MethodHandle EPOLL_PWAIT2 = LIBC.find("epoll_pwait2").map(symbol -> LINKER.downcallHandle(symbol,
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG), CAPTURE_ERRNO)).orElse(null);
    private static final MethodHandle EVENTFD = handle("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle PIPE2 = handle("pipe2", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT));
    private static final MethodHandle READ = handle("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle WRITE = handle("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle CLOSE = handle("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

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

    private static MethodHandle handle(String name, FunctionDescriptor descriptor) {
        MemorySegment symbol = LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
        return LINKER.downcallHandle(symbol, descriptor, CAPTURE_ERRNO);
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
        MemorySegment state = STATE.get();
        try {
            int r = (int) EPOLL_CTL.invokeExact(state, epfd, op, fd, event);
            return r < 0 ? -errno(state) : r;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    @Override
    public int epollWait(int epfd, long events, int maxEvents, int timeoutMillis) {
        MemorySegment state = STATE.get();
        try {
            int r = (int) EPOLL_WAIT.invokeExact(state, epfd, events, maxEvents, timeoutMillis);
            return r < 0 ? -errno(state) : r;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    @Override
    public boolean hasPwait2() {
        return EPOLL_PWAIT2 != null;
    }

    @Override
    public int epollPwait2(int epfd, long events, int maxEvents, long timespec, long sigmask) {
        MemorySegment state = STATE.get();
        try {
            int r = (int) EPOLL_PWAIT2.invokeExact(state, epfd, events, maxEvents, timespec, sigmask);
            return r < 0 ? -errno(state) : r;
        } catch (Throwable t) {
            throw unexpected(t);
        }
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
        MemorySegment state = STATE.get();
        try {
            long r = (long) READ.invokeExact(state, fd, buf, count);
            return r < 0 ? -errno(state) : r;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    @Override
    public long write(int fd, long buf, long count) {
        MemorySegment state = STATE.get();
        try {
            long r = (long) WRITE.invokeExact(state, fd, buf, count);
            return r < 0 ? -errno(state) : r;
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
}
