package io.jpoll;

import io.jpoll.spi.EventSink;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

import static org.junit.jupiter.api.Assertions.*;

class EventsTest {
    @Test
    void capacityBounds() {
        assertEquals(1, new Events(1).capacity());
        assertEquals(1 << 20, new Events(Events.MAX_CAPACITY).capacity());
        for (int bad : new int[]{0, -1, Integer.MIN_VALUE, Events.MAX_CAPACITY + 1}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Events(bad));
            assertEquals("Events: capacity must be 1 to 1048576, was " + bad, e.getMessage());
        }
    }

    @Test
    void newEventsIsEmpty() {
        Events events = new Events(16);
        assertEquals(16, events.capacity());
        assertEquals(0, events.size());
        assertTrue(events.isEmpty());
        assertFalse(events.iterator().hasNext());
        assertEquals("Events[0/16]", events.toString());
    }

    @Test
    void accessorsReadWhatTheBackendWrote() {
        Events events = new Events(4);
        EventSink sink = events.acquire();
        sink.add(-1L, EventSink.READABLE | EventSink.READ_CLOSED);
        int i = sink.add(0xDEADBEEFCAFEBABEL, EventSink.WRITABLE);
        sink.merge(i, EventSink.ERROR | EventSink.WRITE_CLOSED | EventSink.PRIORITY);
        events.release();

        assertEquals(2, events.size());
        assertFalse(events.isEmpty());
        assertEquals(-1L, events.token(0));
        assertTrue(events.isReadable(0));
        assertTrue(events.isReadClosed(0));
        assertFalse(events.isWritable(0) || events.isError(0) || events.isWriteClosed(0) || events.isPriority(0));
        assertEquals(0xDEADBEEFCAFEBABEL, events.token(1));
        assertTrue(events.isWritable(1) && events.isError(1) && events.isWriteClosed(1) && events.isPriority(1));
        assertFalse(events.isReadable(1) || events.isReadClosed(1));

        Event e = events.get(1);
        assertEquals(0xDEADBEEFCAFEBABEL, e.token());
        assertTrue(e.isWritable() && e.isError() && e.isWriteClosed() && e.isPriority());
        assertFalse(e.isReadable() || e.isReadClosed());
        assertEquals("Event{token=" + 0xDEADBEEFCAFEBABEL + ", WRITABLE | ERROR | WRITE_CLOSED | PRIORITY}", e.toString());
        assertEquals(new Event(-1L, EventSink.READABLE | EventSink.READ_CLOSED), events.get(0));
        assertEquals("Events[2/4: -1=READABLE | READ_CLOSED, " + 0xDEADBEEFCAFEBABEL + "=WRITABLE | ERROR | WRITE_CLOSED | PRIORITY]",
                events.toString());

        List<Long> tokens = new ArrayList<>();
        for (Event ev : events) {
            tokens.add(ev.token());
        }
        assertEquals(List.of(-1L, 0xDEADBEEFCAFEBABEL), tokens);

        events.clear();
        assertEquals(0, events.size());
        assertTrue(events.isEmpty());
    }

    @Test
    void indexOutOfRange() {
        Events events = new Events(4);
        events.acquire().add(1, EventSink.READABLE);
        events.release();
        for (int bad : new int[]{-1, 1, 4}) {
            IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> events.token(bad));
            assertEquals("Events: index " + bad + " out of range, size 1", e.getMessage());
            assertThrows(IndexOutOfBoundsException.class, () -> events.isReadable(bad));
            assertThrows(IndexOutOfBoundsException.class, () -> events.isPriority(bad));
            assertThrows(IndexOutOfBoundsException.class, () -> events.get(bad));
        }
        Iterator<Event> it = events.iterator();
        it.next();
        assertThrows(NoSuchElementException.class, it::next);
    }

    @Test
    void twoPollsCannotFillOneEvents() {
        Events events = new Events(4);
        events.acquire();
        IllegalStateException e = assertThrows(IllegalStateException.class, events::acquire);
        assertTrue(e.getMessage().startsWith("Poll.poll: this Events is being filled by another poll"), e.getMessage());
        events.release();
        events.acquire(); // free again after release
    }

    @Test
    void acquireClearsTheLastPollsEvents() {
        Events events = new Events(2);
        events.acquire().add(7, EventSink.READABLE);
        events.release();
        assertEquals(0, events.acquire().size());
    }
}
