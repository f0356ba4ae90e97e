package io.jpoll.kqueue;

import io.jpoll.Interests;
import io.jpoll.Trigger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Interests to filters, and the libkqueue-only check for a closed and reused fd number. */
class InterestsMappingTest {

    @Test
    void readableAndWritableMapToTheirFilters() {
        assertEquals(Registrations.READ, KqueueFilters.of(Interests.READABLE));
        assertEquals(Registrations.WRITE, KqueueFilters.of(Interests.WRITABLE.edge()));
        assertEquals(Registrations.READ | Registrations.WRITE,
                KqueueFilters.of(Interests.READABLE.add(Interests.WRITABLE).level()));
        assertEquals(Registrations.READ, KqueueFilters.of(Interests.READABLE.add(Interests.PRIORITY)));
    }

    /** The refusal goes through the SPI, so Registry refuses before any system call. */
    @ParameterizedTest
    @EnumSource(KqueueProfile.class)
    void priorityAloneIsRefusedWithTheReason(KqueueProfile p) throws IOException {
        KqueueSelector s = KqueueSelector.open(p, new FakeKernel(p));
        try {
            for (Trigger t : Trigger.values()) {
                assertEquals("kqueue has no out-of-band filter, so PRIORITY alone cannot be watched;"
                        + " register READABLE | PRIORITY, which watches readability",
                        s.refusal(Interests.PRIORITY.with(t)), t.name());
                assertNull(s.refusal(Interests.READABLE.add(Interests.PRIORITY).with(t)), t.name());
                assertNull(s.refusal(Interests.WRITABLE.with(t)), t.name());
            }
        } finally {
            s.close();
        }
    }

    @Test
    void interestsTheApiShouldHaveRefusedAreNoFilter() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KqueueFilters.of(Interests.PRIORITY.level()));
        assertTrue(e.getMessage().startsWith("kqueue: no filter watches "), e.getMessage());
    }

    @Test
    void identitiesDifferOnlyWhenBothAreKnownAndUnequal() {
        assertTrue(LinuxFdIdentity.differ("socket:[81234]", "socket:[81240]"));
        assertTrue(LinuxFdIdentity.differ("pipe:[5]", "socket:[5]"));
        assertFalse(LinuxFdIdentity.differ("socket:[81234]", "socket:[81234]"));
        assertFalse(LinuxFdIdentity.differ("anon_inode:[eventfd]", "anon_inode:[eventfd]"));
        assertFalse(LinuxFdIdentity.differ(null, "socket:[1]"));
        assertFalse(LinuxFdIdentity.differ("socket:[1]", null));
    }
}
