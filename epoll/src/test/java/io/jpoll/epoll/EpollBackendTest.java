package io.jpoll.epoll;

import io.jpoll.spi.Backend;
import io.jpoll.spi.Platform;
import io.jpoll.spi.Selector;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ServiceLoader;

import static org.junit.jupiter.api.Assertions.*;

/** The skeleton every backend shares: support, the refusal of open() where unsupported, the priority. */
class EpollBackendTest {
    @Test
    void foundThroughServiceLoaderWithItsPriority() {
        Backend found = null;
        for (Backend b : ServiceLoader.load(Backend.class)) {
            if (b.name().equals("epoll")) {
                found = b;
            }
        }
        assertNotNull(found);
        assertEquals(EpollBackend.class, found.getClass());
        assertEquals(EpollBackend.PRIORITY, found.priority());
        assertEquals(100, EpollBackend.PRIORITY);
    }

    @Test
    void supportedExactlyWhereThereIsNoReasonAgainst() throws IOException {
        EpollBackend b = new EpollBackend();
        assertEquals(b.unsupportedReason() == null, b.isSupported());
        if (b.isSupported()) {
            assertEquals(Platform.Os.LINUX, Platform.os());
            Selector s = b.open();
            s.close();
        } else {
            IllegalStateException e = assertThrows(IllegalStateException.class, b::open);
            assertEquals("Backend.open: the epoll backend cannot run here: " + b.unsupportedReason(), e.getMessage());
        }
    }
}
