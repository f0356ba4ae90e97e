package io.jpoll.it;

import io.jpoll.Event;
import io.jpoll.Events;
import io.jpoll.Interests;
import io.jpoll.Source;
import io.jpoll.Waker;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Events container as a poll fills it. */
class EventsTest extends PollFixture {

    @Test
    @DisplayName("2. Events(16): capacity 16 and empty; non-empty after a wake and a poll; clear() empties it")
    void fillAndClear() throws Exception {
        Events fresh = new Events(16);
        assertEquals(16, fresh.capacity());
        assertEquals(0, fresh.size());
        assertTrue(fresh.isEmpty());
        assertFalse(fresh.iterator().hasNext());

        long token = 0xDEADBEEFCAFEBABEL;
        try (Waker waker = poll.waker(token)) {
            waker.wake();
            int n = poll.poll(fresh, Duration.ofMillis(500));
            assertTrue(n >= 1, "a wake and a poll gave no event");
            assertEquals(n, fresh.size());
            assertFalse(fresh.isEmpty());
            assertEquals(16, fresh.capacity());
            assertEquals(token, fresh.token(0));
            assertTrue(fresh.isReadable(0));

            fresh.clear();
            assertEquals(0, fresh.size());
            assertTrue(fresh.isEmpty());
            assertEquals(16, fresh.capacity());
            assertThrows(IndexOutOfBoundsException.class, () -> fresh.token(0));
        }
    }

    @Test
    @DisplayName("the index accessors, get(i) and the iterator tell the same events")
    void accessorsAgree() throws Exception {
        long token = Long.MIN_VALUE + 1;
        registry.register(Source.of(udp()), token, Interests.READABLE.add(Interests.WRITABLE));
        expect(Expect.writable(token));
        // events now holds the poll that brought the expected event
        assertFalse(events.isEmpty());
        Iterator<Event> it = events.iterator();
        for (int i = 0; i < events.size(); i++) {
            Event e = events.get(i);
            assertEquals(e, it.next());
            assertEquals(events.token(i), e.token());
            assertEquals(events.isReadable(i), e.isReadable());
            assertEquals(events.isWritable(i), e.isWritable());
            assertEquals(events.isError(i), e.isError());
            assertEquals(events.isReadClosed(i), e.isReadClosed());
            assertEquals(events.isWriteClosed(i), e.isWriteClosed());
            assertEquals(events.isPriority(i), e.isPriority());
            assertTrue(e.toString().contains(Long.toString(e.token())), e.toString());
        }
        assertFalse(it.hasNext());
        assertThrows(IndexOutOfBoundsException.class, () -> events.get(events.size()));
        assertThrows(IndexOutOfBoundsException.class, () -> events.isReadable(-1));
    }

    @Test
    @DisplayName("256 ready sources through Events(64): every token exactly once, no poll over capacity")
    void manySources() throws Exception {
        int count = 256;
        long base = 0x0FF5_E700_0000_0000L;
        for (int i = 0; i < count; i++) {
            registry.register(Source.of(udp()), base + i, Interests.WRITABLE);
        }
        int[] seen = new int[count];
        int total = 0;
        for (int round = 0; round < 40 && total < count; round++) {
            poll.poll(events, Duration.ofMillis(500));
            assertTrue(events.size() <= 64);
            for (int i = 0; i < events.size(); i++) {
                long index = events.token(i) - base;
                assertTrue(index >= 0 && index < count, "unknown token " + events.token(i));
                seen[(int) index]++;
                total++;
            }
        }
        for (int i = 0; i < count; i++) {
            assertEquals(1, seen[i], "events for source " + i);
        }
        expectNoEvents();
    }

    @Test
    @DisplayName("poll clears the Events it is given, even when it reports nothing")
    void pollClearsFirst() throws Exception {
        try (Waker waker = poll.waker(3)) {
            waker.wake();
            expect(Expect.readable(3));
        }
        assertFalse(events.isEmpty());
        assertEquals(0, poll.poll(events, Duration.ZERO));
        assertTrue(events.isEmpty());
    }

    @Test
    @DisplayName("capacity below the ready count: each poll fills at most capacity, the rest come next, each once")
    void smallCapacitySpillsIntoTheNextPoll() throws Exception {
        int ready = 5;
        for (int i = 0; i < ready; i++) {
            registry.register(Source.of(udp()), 100 + i, Interests.WRITABLE);
        }
        Events two = new Events(2);
        Map<Long, Integer> seen = new HashMap<>();
        List<Integer> sizes = new ArrayList<>();
        for (int round = 0; round < 10 && seen.size() < ready; round++) {
            int n = poll.poll(two, Duration.ofMillis(500));
            assertTrue(n <= 2, () -> "capacity 2, got " + two);
            sizes.add(n);
            for (Event e : two) {
                seen.merge(e.token(), 1, Integer::sum);
            }
        }
        assertEquals(Map.of(100L, 1, 101L, 1, 102L, 1, 103L, 1, 104L, 1), seen, "tokens and counts; poll sizes " + sizes);
        assertTrue(sizes.size() >= 3, "5 events through capacity 2 need 3 polls: " + sizes);
        Await.noEvents(poll, two);
    }
}
