package io.jpoll.kqueue;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import io.jpoll.spi.Platform;

/**
 * Which version of a versioned libc symbol a binding actually got. JNA looks a name up with
 * {@code dlsym}, which answers the default version; {@code dlvsym} answers a named one, and
 * comparing the two addresses says which version the binding calls. Used once, at binding, on
 * FreeBSD (see {@link FreebsdKevent}).
 */
final class SymbolVersions {
    private SymbolVersions() {
    }

    /** {@code dlvsym} from the C library; interface mapping, for a call made once per process. */
    interface Dl extends Library {
        Pointer dlvsym(Pointer handle, String symbol, String version);
    }

    /** The address JNA binds for {@code name} in {@code library} (the default version), or 0. */
    static long bound(NativeLibrary library, String name) {
        try {
            return Pointer.nativeValue(library.getFunction(name));
        } catch (UnsatisfiedLinkError absent) {
            return 0;
        }
    }

    /**
     * The address of {@code name@version} in the process's global scope, 0 if no loaded object
     * defines that version of it.
     *
     * @throws UnsatisfiedLinkError if this C library has no {@code dlvsym} or this OS's
     *                              {@code RTLD_DEFAULT} is not known here
     */
    static long versioned(String name, String version) {
        Pointer rtldDefault = rtldDefault(Platform.os());
        Dl dl = Native.load(com.sun.jna.Platform.C_LIBRARY_NAME, Dl.class);
        return Pointer.nativeValue(dl.dlvsym(rtldDefault, name, version));
    }

    /** {@code RTLD_DEFAULT}: glibc's {@code dlfcn.h} says 0, FreeBSD's {@code dlfcn.h} -2. */
    private static Pointer rtldDefault(Platform.Os os) {
        switch (os) {
            case LINUX:
                return null;
            case FREEBSD:
                return new Pointer(-2L);
            default:
                throw new UnsatisfiedLinkError("RTLD_DEFAULT of " + os + " is not known to jpoll");
        }
    }
}
