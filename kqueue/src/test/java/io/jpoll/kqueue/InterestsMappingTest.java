package io.jpoll.kqueue;

import io.jpoll.Interests;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Interests to filters, and the libkqueue-only check for a closed and reused fd number. */
class InterestsMappingTest {

    @Test
    void readableAndWritableMapToTheirFilters() {
        assertEquals(Registrations.READ, KqueueFilters.of("op", 3, 1, Interests.READABLE));
        assertEquals(Registrations.WRITE, KqueueFilters.of("op", 3, 1, Interests.WRITABLE.edge()));
        assertEquals(Registrations.READ | Registrations.WRITE,
                KqueueFilters.of("op", 3, 1, Interests.READABLE.add(Interests.WRITABLE).level()));
        assertEquals(Registrations.READ, KqueueFilters.of("op", 3, 1, Interests.READABLE.add(Interests.PRIORITY)));
    }

    @Test
    void priorityAloneIsRefusedWithTheReason() {
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> KqueueFilters.of("Registry.register", 7, -2, Interests.PRIORITY.level()));
        assertEquals("Registry.register fd=7 token=-2: the kqueue backend cannot watch PRIORITY alone"
                + " (kqueue has no out-of-band filter); register READABLE | PRIORITY, which watches readability",
                e.getMessage());
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
