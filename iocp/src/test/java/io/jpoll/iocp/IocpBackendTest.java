package io.jpoll.iocp;

import io.jpoll.spi.Backend;
import io.jpoll.spi.Platform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.util.ServiceLoader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IocpBackendTest {
    @Test
    void foundThroughServiceLoaderByName() {
        Backend found = null;
        for (Backend b : ServiceLoader.load(Backend.class)) {
            if (b.name().equals("iocp")) {
                found = b;
            }
        }
        assertNotNull(found);
        assertEquals(IocpBackend.class, found.getClass());
        assertEquals(100, found.priority());
    }

    @Test
    @DisabledOnOs(OS.WINDOWS)
    void elsewhereItIsUnsupportedWithAReasonAndOpenRefuses() {
        IocpBackend b = new IocpBackend();
        assertFalse(b.isSupported());
        assertEquals("the iocp backend needs Windows; this is " + Platform.describe(), b.unsupportedReason());
        IllegalStateException e = assertThrows(IllegalStateException.class, b::open);
        assertEquals("Backend.open: the iocp backend cannot run here: the iocp backend needs Windows; this is "
                + Platform.describe(), e.getMessage());
    }

    @Test
    void supportedExactlyOnWindowsX64() {
        boolean expected = Platform.os() == Platform.Os.WINDOWS && Platform.arch().equals("x86_64");
        if (expected) {
            assertTrue(new IocpBackend().isSupported(), new IocpBackend().unsupportedReason());
        } else {
            assertFalse(new IocpBackend().isSupported());
        }
    }
}
