package io.jpoll.kqueue;

import com.sun.jna.Function;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import io.jpoll.spi.Platform;

/**
 * Binds the native calls once per process and calls them: the one place that knows which library
 * and which symbol serve this OS. Everything else calls these static methods, so the JIT sees one
 * direct call per site.
 */
final class Natives {
    /** On Linux, the path of a libkqueue shared library to run the backend over. */
    static final String LIBRARY_PROPERTY = "jpoll.kqueue.library";

    /** libkqueue 2.7.0+ (src/linux/platform.c): waits until its monitor thread has freed closed kqueues. */
    static final String DRAIN_SYMBOL = "libkqueue_drain_pending_close";
    private static final Object[] NO_ARGS = {};

    private Natives() {
    }

    /** The profile of this process, or null if kqueue cannot run here; see {@link #unsupportedReason()}. */
    static KqueueProfile profile() {
        return Loaded.PROFILE;
    }

    static String unsupportedReason() {
        return Loaded.FAILURE;
    }

    static int kqueue() {
        return Loaded.NETBSD ? NetbsdKqueueNative.kqueue() : KqueueNative.kqueue();
    }

    static int kevent(int kq, long changes, int nchanges, long events, int nevents, long timeout) {
        return Loaded.NETBSD
                ? NetbsdKqueueNative.__kevent50(kq, changes, nchanges, events, nevents, timeout)
                : KqueueNative.kevent(kq, changes, nchanges, events, nevents, timeout);
    }

    static int close(int fd) {
        return LibcNative.close(fd);
    }

    static int pipe(long fds) {
        return LibcNative.pipe(fds);
    }

    static long read(int fd, long buf, long count) {
        return LibcNative.read(fd, buf, count);
    }

    static long write(int fd, long buf, long count) {
        return LibcNative.write(fd, buf, count);
    }

    static int fcntl(int fd, int cmd, int arg) {
        return Loaded.FCNTL.fcntl(fd, cmd, arg);
    }

    static int fcntl(int fd, int cmd) {
        return Loaded.FCNTL.fcntl(fd, cmd);
    }

    /**
     * libkqueue only: a closed kqueue keeps its internal descriptors (eventfds, epoll fds, the
     * close-detection pipe) until libkqueue's monitor thread notices the close and frees them,
     * some time after {@code close()} returned; a descriptor the caller sees free could then be
     * taken by that late close. libkqueue 2.7.0+ exports {@value #DRAIN_SYMBOL}, which has the
     * monitor free every closed kqueue now and waits for it. Older libkqueues lack it: then this
     * does nothing, and the late release stays (see docs/ARCHITECTURE.md).
     */
    static void drainPendingClose() {
        Function drain = Loaded.DRAIN;
        if (drain != null) {
            drain.invokeVoid(NO_ARGS);
        }
    }

    /** errno of the last native call on this thread, saved by JNA right after the call. */
    static int errno() {
        return Native.getLastError();
    }

    /** Loads and binds on first use; a failure leaves PROFILE null and says why in FAILURE. */
    private static final class Loaded {
        static final KqueueProfile PROFILE;
        static final String FAILURE;
        static final boolean NETBSD;
        static final Fcntl FCNTL;
        /** libkqueue's drain entry point, or null (not libkqueue, or a libkqueue before 2.7). */
        static final Function DRAIN;

        static {
            Platform.Os os = Platform.os();
            String library = System.getProperty(LIBRARY_PROPERTY, "").trim();
            KqueueProfile profile = KqueueProfile.of(os, System.getProperty("os.version", ""), !library.isEmpty());
            String failure = null;
            Fcntl fcntl = null;
            Function drain = null;
            if (profile == null) {
                failure = os == Platform.Os.LINUX
                        ? "Linux has no kqueue; set -D" + LIBRARY_PROPERTY + "=/path/to/libkqueue.so to run over libkqueue"
                        : "kqueue does not exist on " + Platform.describe();
            } else if (Native.POINTER_SIZE != 8 || Native.LONG_SIZE != 8) {
                // The layouts are the LP64 ones, and the 64-bit registration key rides in udata.
                failure = "the kqueue backend needs a 64-bit (LP64) JVM, this is " + Platform.describe();
                profile = null;
            } else {
                try {
                    NativeLibrary libc = NativeLibrary.getInstance(com.sun.jna.Platform.C_LIBRARY_NAME);
                    Native.register(LibcNative.class, libc);
                    NativeLibrary kq = profile == KqueueProfile.LIBKQUEUE ? NativeLibrary.getInstance(library) : libc;
                    Native.register(profile.sizeTCounts ? NetbsdKqueueNative.class : KqueueNative.class, kq);
                    fcntl = Native.load(com.sun.jna.Platform.C_LIBRARY_NAME, Fcntl.class);
                    if (profile == KqueueProfile.LIBKQUEUE) {
                        drain = optional(kq, DRAIN_SYMBOL);
                    }
                } catch (LinkageError | RuntimeException e) {
                    failure = "cannot bind kqueue from "
                            + (profile == KqueueProfile.LIBKQUEUE ? library : "libc") + ": " + e;
                    profile = null;
                }
            }
            PROFILE = profile;
            FAILURE = failure;
            NETBSD = profile != null && profile.sizeTCounts;
            FCNTL = fcntl;
            DRAIN = drain;
        }

        /** The function, or null where the library lacks it (a libkqueue before 2.7). */
        private static Function optional(NativeLibrary library, String symbol) {
            try {
                return library.getFunction(symbol);
            } catch (UnsatisfiedLinkError absent) {
                return null;
            }
        }
    }
}
