package io.jpoll.kqueue;

import com.sun.jna.Function;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import io.jpoll.spi.Platform;

/**
 * What binding the kqueue calls found, once per process: the profile to run with and the calls
 * bound besides the direct-mapped ones, or why kqueue cannot run here. Every step that touches
 * JNA sits behind {@link Linker}, and any {@link LinkageError} or runtime exception from it
 * becomes a reason, never an exception out of {@code isSupported()}: where JNA ships no native
 * library (NetBSD), merely reading {@code Native.POINTER_SIZE} throws.
 */
final class Binding {
    /** The profile to run with; null if kqueue cannot run here. */
    final KqueueProfile profile;
    /** Why not, when {@link #profile} is null. */
    final String failure;
    final Fcntl fcntl;
    /** libkqueue's drain entry point, or null (not libkqueue, or a libkqueue before 2.7). */
    final Function drain;
    /**
     * The addresses JNA bound {@code kqueue} and {@code kevent} (or {@code __kevent50}) to, the
     * very symbols whose {@code struct kevent} the profile describes: the java.lang.foreign
     * binding calls these, so it cannot pick another version or another library than this one.
     * 0 where unknown (a binding made in a test).
     */
    final long kqueueSymbol;
    final long keventSymbol;

    Binding(KqueueProfile profile, Fcntl fcntl, Function drain) {
        this(profile, fcntl, drain, 0L, 0L);
    }

    Binding(KqueueProfile profile, Fcntl fcntl, Function drain, long kqueueSymbol, long keventSymbol) {
        this.profile = profile;
        this.failure = null;
        this.fcntl = fcntl;
        this.drain = drain;
        this.kqueueSymbol = kqueueSymbol;
        this.keventSymbol = keventSymbol;
    }

    private Binding(String failure) {
        this.profile = null;
        this.failure = failure;
        this.fcntl = null;
        this.drain = null;
        this.kqueueSymbol = 0L;
        this.keventSymbol = 0L;
    }

    /** The address of libkqueue's drain entry point, 0 if there is none. */
    long drainSymbol() {
        return drain == null ? 0L : com.sun.jna.Pointer.nativeValue(drain);
    }

    static Binding unsupported(String why) {
        return new Binding(why);
    }

    /** The JNA half of binding; may throw what JNA throws where it cannot load or link. */
    interface Linker {
        /** Whether the JVM is LP64; the first touch of JNA's native part. */
        boolean lp64();

        /** Binds the calls for {@code profile} (on FreeBSD refined to the kevent symbol bound). */
        Binding link(KqueueProfile profile, String library, String osVersion);
    }

    static Binding of(Platform.Os os, String osVersion, String library, Linker linker) {
        KqueueProfile profile = KqueueProfile.of(os, osVersion, !library.isEmpty());
        if (profile == null) {
            return unsupported(os == Platform.Os.LINUX
                    ? "Linux has no kqueue; set -D" + Natives.LIBRARY_PROPERTY + "=/path/to/libkqueue.so to run over libkqueue"
                    : "kqueue does not exist on " + Platform.describe());
        }
        String from = profile == KqueueProfile.LIBKQUEUE ? library : "libc";
        try {
            if (!linker.lp64()) {
                // The layouts are the LP64 ones, and the 64-bit registration key rides in udata.
                return unsupported("the kqueue backend needs a 64-bit (LP64) JVM, this is " + Platform.describe());
            }
            return linker.link(profile, library, osVersion);
        } catch (LinkageError | RuntimeException e) {
            return unsupported("cannot bind kqueue from " + from + " through JNA on " + Platform.describe() + ": " + e);
        }
    }

    /** The real linker: JNA direct mapping for the hot calls, interface mapping for the rest. */
    static final class JnaLinker implements Linker {
        @Override
        public boolean lp64() {
            return Native.POINTER_SIZE == 8 && Native.LONG_SIZE == 8;
        }

        @Override
        public Binding link(KqueueProfile profile, String library, String osVersion) {
            NativeLibrary libc = NativeLibrary.getInstance(com.sun.jna.Platform.C_LIBRARY_NAME);
            if (profile == KqueueProfile.FREEBSD || profile == KqueueProfile.FREEBSD_11) {
                profile = freebsd(libc, osVersion);
                if (profile == null) {
                    return unsupported("libc's kevent is neither kevent@" + FreebsdKevent.VERSION_64
                            + " nor kevent@" + FreebsdKevent.VERSION_32 + ", so its struct kevent is unknown");
                }
            }
            Native.register(LibcNative.class, libc);
            NativeLibrary kq = profile == KqueueProfile.LIBKQUEUE ? NativeLibrary.getInstance(library) : libc;
            Native.register(profile.sizeTCounts ? NetbsdKqueueNative.class : KqueueNative.class, kq);
            Fcntl fcntl = Native.load(com.sun.jna.Platform.C_LIBRARY_NAME, Fcntl.class);
            Function drain = null;
            if (profile == KqueueProfile.LIBKQUEUE) {
                try {
                    drain = kq.getFunction(Natives.DRAIN_SYMBOL);
                } catch (UnsatisfiedLinkError before27) {
                    drain = null; // an older libkqueue: nothing to wait for with
                }
            }
            String keventName = profile.sizeTCounts ? "__kevent50" : "kevent";
            return new Binding(profile, fcntl, drain, SymbolVersions.bound(kq, "kqueue"), SymbolVersions.bound(kq, keventName));
        }

        /** The profile of the kevent that direct mapping binds below (dlsym's default version). */
        private static KqueueProfile freebsd(NativeLibrary libc, String osVersion) {
            long bound = SymbolVersions.bound(libc, "kevent");
            long v64;
            long v32;
            try {
                v64 = SymbolVersions.versioned("kevent", FreebsdKevent.VERSION_64);
                v32 = SymbolVersions.versioned("kevent", FreebsdKevent.VERSION_32);
            } catch (UnsatisfiedLinkError noDlvsym) {
                v64 = FreebsdKevent.UNKNOWN;
                v32 = FreebsdKevent.UNKNOWN;
            }
            return FreebsdKevent.profile(bound, v64, v32, osVersion);
        }
    }
}
