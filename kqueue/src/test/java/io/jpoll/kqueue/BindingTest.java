package io.jpoll.kqueue;

import com.sun.jna.NativeLibrary;
import io.jpoll.spi.Platform;
import io.jpoll.spi.Platform.Os;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Binding never throws out of isSupported(), and FreeBSD's layout follows the kevent symbol bound. */
class BindingTest {

    /** A linker that fails the way JNA fails where it ships no native library (NetBSD). */
    private static Binding.Linker failingWith(Error e) {
        return new Binding.Linker() {
            @Override
            public boolean lp64() {
                throw e;
            }

            @Override
            public Binding link(KqueueProfile profile, String library, String osVersion) {
                throw new AssertionError("not reached");
            }
        };
    }

    private static Binding.Linker linking(boolean lp64, Binding result) {
        return new Binding.Linker() {
            @Override
            public boolean lp64() {
                return lp64;
            }

            @Override
            public Binding link(KqueueProfile profile, String library, String osVersion) {
                if (result == null) {
                    throw new ExceptionInInitializerError(new IllegalStateException("jnidispatch mismatch"));
                }
                return result;
            }
        };
    }

    @Test
    void jnaWithoutItsNativeLibraryIsAReasonNotAnError() {
        Binding b = Binding.of(Os.NETBSD, "10.0", "", failingWith(new UnsatisfiedLinkError(
                "Native library (com/sun/jna/netbsd-x86-64/libjnidispatch.so) not found in resource path")));
        assertNull(b.profile);
        assertTrue(b.failure.startsWith("cannot bind kqueue from libc through JNA on "), b.failure);
        assertTrue(b.failure.endsWith("java.lang.UnsatisfiedLinkError: Native library"
                + " (com/sun/jna/netbsd-x86-64/libjnidispatch.so) not found in resource path"), b.failure);

        // The second touch of a class whose initialiser failed throws NoClassDefFoundError.
        Binding again = Binding.of(Os.NETBSD, "10.0", "", failingWith(
                new NoClassDefFoundError("Could not initialize class com.sun.jna.Native")));
        assertNull(again.profile);
        assertTrue(again.failure.contains("NoClassDefFoundError: Could not initialize class com.sun.jna.Native"), again.failure);

        Binding linkFails = Binding.of(Os.OPENBSD, "7.5", "", linking(true, null));
        assertNull(linkFails.profile);
        assertTrue(linkFails.failure.contains("ExceptionInInitializerError"), linkFails.failure);
    }

    @Test
    void a32BitJvmAndAMissingKqueueAreReasons() {
        Binding b = Binding.of(Os.MACOS, "14.5", "", linking(false, null));
        assertNull(b.profile);
        assertTrue(b.failure.startsWith("the kqueue backend needs a 64-bit (LP64) JVM"), b.failure);

        Binding linux = Binding.of(Os.LINUX, "6.1", "", failingWith(new AssertionError("JNA is not touched")));
        assertNull(linux.profile);
        assertTrue(linux.failure.contains("-Djpoll.kqueue.library="), linux.failure);

        Binding windows = Binding.of(Os.WINDOWS, "10.0", "", failingWith(new AssertionError("JNA is not touched")));
        assertTrue(windows.failure.startsWith("kqueue does not exist on "), windows.failure);
    }

    @Test
    void whatTheLinkerBoundIsTheBinding() {
        Binding bound = new Binding(KqueueProfile.OPENBSD, null, null);
        assertSame(bound, Binding.of(Os.OPENBSD, "7.5", "", linking(true, bound)));
    }

    private static final long NEW = 0x7f00_1000L;
    private static final long OLD = 0x7f00_2000L;

    @Test
    void freebsdLayoutFollowsTheSymbolBoundNotTheKernelVersion() {
        // A FreeBSD 12+ libc: kevent@@FBSD_1.5 is the default that dlsym (and JNA) binds.
        assertEquals(KqueueProfile.FREEBSD, FreebsdKevent.profile(NEW, NEW, OLD, "14.1-RELEASE"));
        // A FreeBSD 11 userland in a jail on a 14 kernel: only kevent@FBSD_1.0, whatever os.version says.
        assertEquals(KqueueProfile.FREEBSD_11, FreebsdKevent.profile(OLD, 0, OLD, "14.1-RELEASE"));
        // And the other way round, a 12+ libc whatever the version string.
        assertEquals(KqueueProfile.FREEBSD, FreebsdKevent.profile(NEW, NEW, OLD, "11.4-RELEASE"));
        // A kevent that is neither: refused rather than guessed.
        assertNull(FreebsdKevent.profile(0x7f00_3000L, NEW, OLD, "14.1-RELEASE"));
        assertNull(FreebsdKevent.profile(0, 0, 0, "14.1-RELEASE"));
        // Without dlvsym, the kernel's version is the last resort.
        long u = FreebsdKevent.UNKNOWN;
        assertEquals(KqueueProfile.FREEBSD, FreebsdKevent.profile(NEW, u, u, "13.2-RELEASE-p4"));
        assertEquals(KqueueProfile.FREEBSD_11, FreebsdKevent.profile(NEW, u, u, "11.4-RELEASE"));
    }

    /**
     * The mechanism on a real dynamic linker: glibc versions pthread_cond_wait (GLIBC_2.3.2 is the
     * default, GLIBC_2.2.5 the compat one on x86_64), and dlvsym tells which one JNA bound.
     */
    @Test
    @EnabledOnOs(OS.LINUX)
    void dlvsymTellsWhichVersionJnaBound() {
        assumeTrue(Platform.arch().equals("x86_64"), "the glibc symbol versions used here are x86_64's");
        NativeLibrary libc = NativeLibrary.getInstance(com.sun.jna.Platform.C_LIBRARY_NAME);
        long bound = SymbolVersions.bound(libc, "pthread_cond_wait");
        long current = SymbolVersions.versioned("pthread_cond_wait", "GLIBC_2.3.2");
        long compat = SymbolVersions.versioned("pthread_cond_wait", "GLIBC_2.2.5");
        assertNotEquals(0, bound);
        assertNotEquals(0, compat);
        assertEquals(current, bound, "dlsym binds the default version");
        assertNotEquals(compat, bound);
        assertEquals(0, SymbolVersions.versioned("pthread_cond_wait", FreebsdKevent.VERSION_64));
        assertEquals(0, SymbolVersions.bound(libc, "no_such_symbol_in_libc"));
    }
}
