package io.jpoll.kqueue;

import io.jpoll.spi.Platform.Os;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KqueueProfileTest {

    @Test
    void picksTheProfileOfEachOs() {
        assertEquals(KqueueProfile.MACOS, KqueueProfile.of(Os.MACOS, "14.5", false));
        assertEquals(KqueueProfile.FREEBSD, KqueueProfile.of(Os.FREEBSD, "14.1-RELEASE", false));
        assertEquals(KqueueProfile.FREEBSD, KqueueProfile.of(Os.FREEBSD, "12.0-CURRENT", false));
        assertEquals(KqueueProfile.FREEBSD_11, KqueueProfile.of(Os.FREEBSD, "11.4-RELEASE-p13", false));
        assertEquals(KqueueProfile.OPENBSD, KqueueProfile.of(Os.OPENBSD, "7.5", false));
        assertEquals(KqueueProfile.NETBSD, KqueueProfile.of(Os.NETBSD, "10.0", false));
        assertEquals(KqueueProfile.DRAGONFLY, KqueueProfile.of(Os.DRAGONFLY, "6.4", false));
    }

    @Test
    void linuxOnlyWithLibkqueue() {
        assertNull(KqueueProfile.of(Os.LINUX, "6.1.0", false));
        assertEquals(KqueueProfile.LIBKQUEUE, KqueueProfile.of(Os.LINUX, "6.1.0", true));
        assertNull(KqueueProfile.of(Os.WINDOWS, "10.0", true));
        assertNull(KqueueProfile.of(Os.OTHER, "1", false));
    }

    @Test
    void readsTheFreebsdMajorVersion() {
        assertEquals(13, KqueueProfile.freebsdMajor("13.2-RELEASE-p4"));
        assertEquals(9, KqueueProfile.freebsdMajor("9.3"));
        assertEquals(Integer.MAX_VALUE, KqueueProfile.freebsdMajor(""), "unreadable counts as current");
        assertEquals(Integer.MAX_VALUE, KqueueProfile.freebsdMajor(null));
    }

    @Test
    void onlyNetbsdCountsInSizeT() {
        for (KqueueProfile p : KqueueProfile.values()) {
            assertEquals(p == KqueueProfile.NETBSD, p.sizeTCounts, p.name());
        }
    }

    @Test
    void libkqueueBoundsTimeoutsBelowItsIntMilliseconds() {
        assertTrue(KqueueProfile.LIBKQUEUE.maxTimeoutSeconds * 1000 <= Integer.MAX_VALUE);
        assertEquals(Integer.MAX_VALUE, KqueueProfile.MACOS.maxTimeoutSeconds);
    }

    @Test
    void onLinuxWithoutALibraryTheBackendSaysWhatToSet() {
        KqueueBackend backend = new KqueueBackend();
        assertEquals("kqueue", backend.name());
        assertEquals(50, backend.priority(), "below epoll's 100");
        if (io.jpoll.spi.Platform.os() == Os.LINUX && System.getProperty(Natives.LIBRARY_PROPERTY, "").isBlank()) {
            assertFalse(backend.isSupported());
            assertTrue(backend.unsupportedReason().contains("-Djpoll.kqueue.library="), backend.unsupportedReason());
        }
    }
}
