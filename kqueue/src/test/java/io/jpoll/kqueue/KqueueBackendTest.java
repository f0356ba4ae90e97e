package io.jpoll.kqueue;

import io.jpoll.spi.Platform;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/** The skeleton every backend shares: support, the refusal of open() where unsupported, the priority. */
class KqueueBackendTest {
    @Test
    void supportIsWhatNativesSays() {
        KqueueBackend b = new KqueueBackend();
        assertEquals(Natives.unsupportedReason() == null, b.isSupported());
        assertEquals(Natives.profile() != null, b.isSupported(), "the reason is null exactly when a profile was bound");
        assertEquals(KqueueBackend.PRIORITY, b.priority());
    }

    @Test
    void openWhereUnsupportedIsAnIllegalStateNamingTheBackendAndWhy() {
        KqueueBackend b = new KqueueBackend();
        assumeFalse(b.isSupported(), "kqueue runs here: " + Platform.describe());
        IllegalStateException e = assertThrows(IllegalStateException.class, b::open);
        assertEquals("Backend.open: the kqueue backend cannot run here: " + b.unsupportedReason(), e.getMessage());
    }
}
