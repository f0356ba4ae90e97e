package io.jpoll.kqueue;

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
 * The {@code java.lang.foreign} binding of {@link Kernel} (JDK 22+). Downcall handles are built
 * once into {@code static final} fields, so a call compiles to a direct native call. Pointers and
 * {@code size_t} travel as {@code JAVA_LONG}, the register a pointer takes on LP64, so no
 * {@code MemorySegment} is made per call. {@code kqueue} and {@code kevent} (NetBSD's
 * {@code __kevent50}) are called at the addresses JNA bound ({@link Binding}), so this binding
 * calls the very symbol, version and library whose {@code struct kevent} the profile describes:
 * libkqueue's on Linux, the versioned FreeBSD {@code kevent} that was checked. The other calls come
 * from the C library, like JNA's.
 *
 * <p>errno: a capturing downcall ({@code captureCallState}) slices its state segment on every
 * call, a 40-byte object that only C2's escape analysis removes, and not in time or not at all
 * under load. For the hot calls that is not good enough: the wake pipe's drain reads until EAGAIN,
 * so a failed {@code read} is part of every pipe wake, and capturing it allocated 40 B per wake
 * (400,000 B over 10,000 wakes in the allocation test, every run with C1 alone, some runs under
 * load). So the hot calls ({@code kevent}, {@code read}, {@code write}) go through handles that
 * capture nothing and take only primitives, and a failed one is repeated once through JNA's
 * direct mapping of the same symbol ({@link Natives}, always bound, since JNA finds the profile),
 * which saves errno in native code right after the call and allocates nothing in any tier; the
 * errno is kept in this thread's state segment, which {@link #errno()} reads. Repeating is sound:
 * <ul>
 * <li>a wait ({@code nchanges == 0}) is repeated with a zero timeout, so it never blocks twice; its
 *     lasting failures (EBADF, EINVAL of the counts) recur, records the repeat finds are the call's
 *     result, and a repeat that finds nothing reports EINTR, which the selector answers by waiting
 *     out the time left (a kernel that refused the timespec itself would see the selector retry
 *     until its deadline instead of an EINVAL: jpoll's timespecs are valid and bounded by the
 *     profile's largest timeout, so none does);
 * <li>a call with changes is repeated as it was: {@link Kernel#kevent} requires each change to
 *     carry EV_RECEIPT with room for its receipt and a zero timeout, so a change's failure is
 *     written to its slot and the call itself fails only before applying any change (EBADF,
 *     EFAULT, EINVAL, ENOMEM of the copy-in): the repeat is the same call, and when it succeeds its
 *     receipts are the call's;
 * <li>{@code read} and {@code write} of the wake pipe: EAGAIN and EBADF recur, and a repeat that
 *     moves bytes is the call's result.
 * </ul>
 * {@code close} is never repeated (the fd may be gone and reused), nor are {@code kqueue},
 * {@code pipe} and {@code fcntl}: they are not on a hot path, and capture errno through FFM.
 *
 * <p>No call is {@code critical}. A blocking {@code kevent} must never be, and over libkqueue
 * even a zero-timeout one can block: before 2.7 a waiting poller holds the kqueue's mutex for its
 * whole wait (see {@link ChangeHandoff}). For the rest it bought nothing measurable: on JDK 25 over
 * libkqueue (2026-12, 2 cores loaded by other work, thread CPU time, medians of 5 rounds of
 * 200,000 calls, 3 alternating JVM runs) a zero-timeout wait took 1,487 to 1,508 ns plain against
 * 1,509 to 1,876 critical, a change 71 to 77 against 64 to 89, a pipe write and read 2,975 to
 * 3,163 against 3,031 to 3,710.
 *
 * <p>Loaded by name from {@link KernelBinding}; a static initializer that throws (native access
 * denied, a symbol not bound) makes the backend fall back to JNA.
 */
final class FfmKernel implements Kernel {
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
    /** A zero {@code struct timespec} (LP64: two longs), for the repeat of a failed wait; never written. */
    private static final long ZERO_TIMESPEC = Arena.global().allocate(16, 8).address();

    private static final Binding BOUND = bound();
    /** NetBSD's {@code __kevent50} takes {@code size_t} counts. */
    private static final boolean SIZE_T_COUNTS = BOUND.profile.sizeTCounts;

    private static final FunctionDescriptor KEVENT = FunctionDescriptor.of(JAVA_INT,
            JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_LONG);
    private static final FunctionDescriptor KEVENT50 = FunctionDescriptor.of(JAVA_INT,
            JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG);
    private static final FunctionDescriptor IO = FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG);

    private static final MethodHandle KQUEUE = LINKER.downcallHandle(
            address(BOUND.kqueueSymbol, "kqueue"), FunctionDescriptor.of(JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle KEVENT_PLAIN = LINKER.downcallHandle(
            address(BOUND.keventSymbol, "kevent"), SIZE_T_COUNTS ? KEVENT50 : KEVENT);
    private static final MethodHandle CLOSE = capturing("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle PIPE = capturing("pipe", FunctionDescriptor.of(JAVA_INT, JAVA_LONG));
    private static final MethodHandle READ = plain("read", IO);
    private static final MethodHandle WRITE = plain("write", IO);
    /** fcntl is variadic: its third argument is passed as one (macOS arm64 puts those on the stack). */
    private static final MethodHandle FCNTL3 = LINKER.downcallHandle(symbol("fcntl"),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2), CAPTURE_ERRNO);
    private static final MethodHandle FCNTL2 = LINKER.downcallHandle(symbol("fcntl"),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2), CAPTURE_ERRNO);
    /** libkqueue 2.7+'s drain entry point, or null. */
    private static final MethodHandle DRAIN = BOUND.drainSymbol() == 0L ? null
            : LINKER.downcallHandle(MemorySegment.ofAddress(BOUND.drainSymbol()), FunctionDescriptor.ofVoid());

    static final FfmKernel INSTANCE = new FfmKernel();

    private FfmKernel() {
    }

    /**
     * Refuses where FFM would print a restricted-method warning that JNA would not: before JDK 24
     * JNI was unrestricted, so without {@code --enable-native-access} JNA is the quieter choice.
     * From JDK 24 both warn alike, and a denial ({@code --illegal-native-access=deny}) surfaces as
     * the IllegalCallerException of the first downcallHandle.
     */
    private static void checkNativeAccess() {
        Module module = FfmKernel.class.getModule();
        if (!module.isNativeAccessEnabled() && Runtime.version().feature() < 24) {
            throw new IllegalCallerException("native access is not enabled for " + module
                    + " (--enable-native-access), which JNA does not need before JDK 24");
        }
    }

    private static Binding bound() {
        Binding b = Natives.binding();
        if (b.profile == null) {
            throw new IllegalStateException("kqueue is not bound: " + b.failure);
        }
        return b;
    }

    private static MemorySegment address(long address, String name) {
        if (address == 0L) {
            throw new UnsatisfiedLinkError("JNA bound no " + name + " symbol to call");
        }
        return MemorySegment.ofAddress(address);
    }

    private static MemorySegment symbol(String name) {
        return LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError("the C library has no " + name));
    }

    private static MethodHandle plain(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(symbol(name), descriptor);
    }

    private static MethodHandle capturing(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(symbol(name), descriptor, CAPTURE_ERRNO);
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
    public int kqueue() {
        try {
            return (int) KQUEUE.invokeExact(STATE.get());
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    @Override
    public int kevent(int kq, long changes, int nchanges, long events, int nevents, long timeout) {
        try {
            int r = SIZE_T_COUNTS
                    ? (int) KEVENT_PLAIN.invokeExact(kq, changes, (long) nchanges, events, (long) nevents, timeout)
                    : (int) KEVENT_PLAIN.invokeExact(kq, changes, nchanges, events, nevents, timeout);
            return r >= 0 ? r : keventAgain(kq, changes, nchanges, events, nevents, timeout);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** The failed call once more, through JNA; a wait with a zero timeout (see the class comment). */
    private static int keventAgain(int kq, long changes, int nchanges, long events, int nevents, long timeout) {
        int r = Natives.kevent(kq, changes, nchanges, events, nevents, nchanges == 0 ? ZERO_TIMESPEC : timeout);
        if (r < 0) {
            return failed(Natives.errno());
        }
        if (r == 0 && nchanges == 0) {
            return failed(Errno.EINTR); // the failure did not last: a signal
        }
        return r;
    }

    /** The failed read or write once more, through JNA. */
    private static long again(long r) {
        return r >= 0 ? r : failed(Natives.errno());
    }

    /** Keeps {@code errno} for {@link #errno()}; returns -1. */
    private static int failed(int errno) {
        STATE.get().set(JAVA_INT, ERRNO, errno);
        return -1;
    }

    @Override
    public int close(int fd) {
        try {
            return (int) CLOSE.invokeExact(STATE.get(), fd);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    @Override
    public int pipe(long fds) {
        try {
            return (int) PIPE.invokeExact(STATE.get(), fds);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    @Override
    public long read(int fd, long buf, long count) {
        try {
            long r = (long) READ.invokeExact(fd, buf, count);
            return r >= 0 ? r : again(Natives.read(fd, buf, count));
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    @Override
    public long write(int fd, long buf, long count) {
        try {
            long r = (long) WRITE.invokeExact(fd, buf, count);
            return r >= 0 ? r : again(Natives.write(fd, buf, count));
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    @Override
    public int fcntl(int fd, int cmd, int arg) {
        try {
            return (int) FCNTL3.invokeExact(STATE.get(), fd, cmd, arg);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    @Override
    public int fcntl(int fd, int cmd) {
        try {
            return (int) FCNTL2.invokeExact(STATE.get(), fd, cmd);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    @Override
    public int errno() {
        return STATE.get().get(JAVA_INT, ERRNO);
    }

    @Override
    public void drainPendingClose() {
        if (DRAIN != null) {
            try {
                DRAIN.invokeExact();
            } catch (Throwable t) {
                throw unexpected(t);
            }
        }
    }

    @Override
    public String toString() {
        return "ffm";
    }
}
