package io.jpoll;

import org.junit.jupiter.api.Test;

import static io.jpoll.Interests.PRIORITY;
import static io.jpoll.Interests.READABLE;
import static io.jpoll.Interests.WRITABLE;
import static org.junit.jupiter.api.Assertions.*;

class InterestsTest {
    @Test
    void constantsAreSingleKindsWithTheOneshotDefault() {
        assertTrue(READABLE.isReadable());
        assertFalse(READABLE.isWritable());
        assertFalse(READABLE.isPriority());
        assertTrue(WRITABLE.isWritable() && !WRITABLE.isReadable() && !WRITABLE.isPriority());
        assertTrue(PRIORITY.isPriority() && !PRIORITY.isReadable() && !PRIORITY.isWritable());
        assertEquals(Trigger.ONESHOT, READABLE.trigger());
        assertEquals(Trigger.ONESHOT, WRITABLE.trigger());
        assertEquals(Trigger.ONESHOT, PRIORITY.trigger());
    }

    @Test
    void algebraKeepsTheTriggerAndIsCanonical() {
        Interests rw = READABLE.add(WRITABLE);
        assertTrue(rw.isReadable() && rw.isWritable() && !rw.isPriority());
        assertSame(rw, WRITABLE.add(READABLE), "canonical: no allocation, == works");
        assertSame(READABLE, rw.remove(WRITABLE));
        assertSame(rw, rw.add(READABLE), "adding what is there changes nothing");
        assertSame(READABLE, READABLE.remove(PRIORITY), "removing what is absent changes nothing");
        Interests edge = rw.edge();
        assertEquals(Trigger.EDGE, edge.trigger());
        assertEquals(Trigger.EDGE, edge.add(PRIORITY).trigger(), "add keeps this trigger, not the argument's");
        assertEquals(Trigger.LEVEL, READABLE.level().remove(READABLE.edge().add(WRITABLE).remove(READABLE)).trigger());
        assertSame(rw, edge.oneshot());
        assertSame(edge, rw.with(Trigger.EDGE));
        assertEquals(rw.level(), rw.edge().level());
    }

    @Test
    void removingEverythingIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> READABLE.add(WRITABLE).remove(WRITABLE.add(READABLE).add(PRIORITY)));
        assertEquals("Interests.remove: removing READABLE | WRITABLE | PRIORITY from READABLE | WRITABLE leaves nothing;"
                + " interests are never empty", e.getMessage());
    }

    @Test
    void nullsNameTheParameter() {
        assertEquals("Interests.add: other is null", assertThrows(NullPointerException.class, () -> READABLE.add(null)).getMessage());
        assertEquals("Interests.remove: other is null", assertThrows(NullPointerException.class, () -> READABLE.remove(null)).getMessage());
        assertEquals("Interests.with: trigger is null", assertThrows(NullPointerException.class, () -> READABLE.with(null)).getMessage());
    }

    @Test
    void toStringListsKindsAndTrigger() {
        assertEquals("READABLE (ONESHOT)", READABLE.toString());
        assertEquals("READABLE | WRITABLE (ONESHOT)", WRITABLE.add(READABLE).toString());
        assertEquals("READABLE | WRITABLE | PRIORITY (EDGE)", PRIORITY.add(WRITABLE).add(READABLE).edge().toString());
        assertEquals("WRITABLE (LEVEL)", WRITABLE.level().toString());
    }
}
