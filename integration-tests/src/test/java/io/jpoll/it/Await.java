package io.jpoll.it;

import io.jpoll.Event;
import io.jpoll.Events;
import io.jpoll.Poll;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Waits for events the way mio's tests do: readiness arrives asynchronously, so a test polls a few
 * bounded times until it has seen everything it expects, tolerating extra events, and checks for
 * silence with one short poll. No sleeps: every wait is a poll.
 */
final class Await {
    static final int ROUNDS = 3;
    static final Duration ROUND = Duration.ofMillis(500);
    static final Duration QUIET = Duration.ofMillis(50);

    private Await() {
    }

    /**
     * Polls up to {@value #ROUNDS} times {@link #ROUND} until every expected pair was seen.
     *
     * @return every event seen on the way, expected or not, for further checks
     */
    static List<Event> events(Poll poll, Events events, Expect... expected) throws IOException {
        return events(poll, events, ROUNDS, expected);
    }

    /** Like {@link #events(Poll, Events, Expect...)} with more patience, for slow OS paths. */
    static List<Event> events(Poll poll, Events events, int rounds, Expect... expected) throws IOException {
        List<Expect> missing = new ArrayList<>(Arrays.asList(expected));
        List<Event> seen = new ArrayList<>();
        for (int round = 0; round < rounds && !missing.isEmpty(); round++) {
            pollOnce(poll, events, ROUND, seen);
            for (Event e : seen) {
                missing.removeIf(x -> x.matches(e));
            }
        }
        if (!missing.isEmpty()) {
            fail("missing " + missing + " after " + rounds + " polls of " + ROUND.toMillis()
                    + " ms on " + poll.backend() + "; saw " + seen);
        }
        return seen;
    }

    /** One poll of {@link #QUIET} that must report nothing at all. */
    static void noEvents(Poll poll, Events events) throws IOException {
        List<Event> seen = pollOnce(poll, events, QUIET, new ArrayList<>());
        assertTrue(seen.isEmpty(), () -> "expected no events, got " + seen);
    }

    /** One poll of {@link #QUIET} that must report none of {@code tokens}; other events are allowed. */
    static void noEventsFor(Poll poll, Events events, long... tokens) throws IOException {
        List<Event> seen = pollOnce(poll, events, QUIET, new ArrayList<>());
        for (Event e : seen) {
            for (long t : tokens) {
                assertTrue(e.token() != t, () -> "expected no event for token " + t + ", got " + seen);
            }
        }
    }

    /** One poll; checks that the count, the size and the capacity agree, and appends what came. */
    static List<Event> pollOnce(Poll poll, Events events, Duration timeout, List<Event> into) throws IOException {
        int n = poll.poll(events, timeout);
        assertEquals(events.size(), n, "poll's return value is events.size()");
        assertTrue(n <= events.capacity(), () -> "poll filled " + n + " events into capacity " + events.capacity());
        for (Event e : events) {
            into.add(e);
        }
        return into;
    }
}
