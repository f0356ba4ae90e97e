package io.jpoll.kqueue;

import com.sun.jna.Function;
import com.sun.jna.Native;
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

    /** What binding found: the profile, or why not, and the symbols bound. */
    static Binding binding() {
        return Loaded.BINDING;
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
        static final Binding BINDING;
        static final KqueueProfile PROFILE;
        static final String FAILURE;
        static final boolean NETBSD;
        static final Fcntl FCNTL;
        static final Function DRAIN;

        static {
            Binding b = Binding.of(Platform.os(), System.getProperty("os.version", ""),
                    System.getProperty(LIBRARY_PROPERTY, "").trim(), new Binding.JnaLinker());
            BINDING = b;
            PROFILE = b.profile;
            FAILURE = b.failure;
            NETBSD = b.profile != null && b.profile.sizeTCounts;
            FCNTL = b.fcntl;
            DRAIN = b.drain;
        }
    }
}
