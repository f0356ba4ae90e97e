package io.jpoll.it;

import io.jpoll.Event;
import io.jpoll.Interests;
import io.jpoll.Source;
import io.jpoll.Trigger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.jpoll.it.Expect.readable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** ONESHOT, EDGE and LEVEL on a TCP stream with data waiting. */
class TriggerTest extends PollFixture {
    private static final long TOKEN = 0xF00D_0000_0000_0010L;

    @Test
    @DisplayName("10. EDGE: readable once; drained to would-block, no event; the peer writes again -> readable again")
    void edge() throws Exception {
        assumeTrue(poll.supports(Trigger.EDGE), "the backend offers EDGE");
        StreamPair pair = tcpPair();
        registry.register(Source.of(pair.server()), TOKEN, Interests.READABLE.edge());
        expectNoEvents();

        send(pair.client(), "hello");
        expect(readable(TOKEN));
        assertEquals("hello", ascii(drain(pair.server()))); // drain reads until it would block
        expectNoEvents();

        send(pair.client(), "again");
        expect(readable(TOKEN));
        assertEquals("again", ascii(drain(pair.server())));
        expectNoEvents();
    }

    @Test
    @DisplayName("10. EDGE: data left unread is reported once, not on every poll; new data is a new edge")
    void edgeReportsUnreadDataOnce() throws Exception {
        assumeTrue(poll.supports(Trigger.EDGE), "the backend offers EDGE");
        StreamPair pair = tcpPair();
        registry.register(Source.of(pair.server()), TOKEN, Interests.READABLE.edge());

        send(pair.client(), "unread");
        expect(readable(TOKEN));
        expectNoEvents();             // still readable, but no new edge
        send(pair.client(), "+more");
        expect(readable(TOKEN));
        expectNoEvents();
        assertEquals("unread+more", ascii(drain(pair.server())));
    }

    @Test
    @DisplayName("11. ONESHOT: readable once; more data -> no event until reregister; after reregister -> readable")
    void oneshot() throws Exception {
        StreamPair pair = tcpPair();
        Source source = Source.of(pair.server());
        registry.register(source, TOKEN, Interests.READABLE.oneshot());

        send(pair.client(), "one");
        expect(readable(TOKEN));
        expectNoEvents();                 // unread data, but disarmed
        send(pair.client(), "two");
        expectNoEvents();                 // a new arrival does not re-arm it either

        long rearmed = TOKEN + 1;
        registry.reregister(source, rearmed, Interests.READABLE);
        List<Event> seen = expect(readable(rearmed));
        assertTrue(seen.stream().allMatch(e -> e.token() == rearmed), () -> "the new token only: " + seen);
        assertEquals("onetwo", readOneshot(pair.server(), source, rearmed, 6));
        expectNoEvents();
    }

    @Test
    @DisplayName("12. LEVEL: unread data -> readable on every poll; after reading it all -> quiet")
    void level() throws Exception {
        assumeTrue(poll.supports(Trigger.LEVEL), "the backend offers LEVEL");
        StreamPair pair = tcpPair();
        registry.register(Source.of(pair.server()), TOKEN, Interests.READABLE.level());

        send(pair.client(), "stay");
        expect(readable(TOKEN));
        for (int i = 0; i < 3; i++) {
            List<Event> once = Await.pollOnce(poll, events, Await.ROUND, new ArrayList<>());
            assertTrue(once.stream().anyMatch(readable(TOKEN)::matches),
                    "poll " + (i + 2) + " with unread data: " + once);
        }
        assertEquals("stay", ascii(drain(pair.server())));
        expectNoEvents();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Trigger.class)
    @DisplayName("readiness present at register, and again at reregister, is reported with every trigger")
    void readinessPresentAtRegistration(Trigger trigger) throws Exception {
        assumeTrue(poll.supports(trigger), "the backend offers " + trigger);
        StreamPair pair = tcpPair();
        send(pair.client(), "early");
        // A throwaway registration proves the data has arrived before the one under test starts.
        Source source = Source.of(pair.server());
        registry.register(source, 1, Interests.READABLE);
        expect(readable(1));
        registry.deregister(source);

        registry.register(source, TOKEN, Interests.READABLE.with(trigger));
        expect(readable(TOKEN));
        registry.reregister(source, TOKEN + 2, Interests.READABLE.with(trigger));
        expect(readable(TOKEN + 2));
        assertEquals("early", ascii(drain(pair.server())));
    }

    @Test
    @DisplayName("EDGE with READABLE | WRITABLE: one event per change, not one per poll")
    void edgeDoesNotRepeatWritable() throws Exception {
        assumeTrue(poll.supports(Trigger.EDGE), "the backend offers EDGE");
        StreamPair pair = tcpPair();
        registry.register(Source.of(pair.server()), TOKEN, Interests.READABLE.add(Interests.WRITABLE).edge());
        expect(Expect.writable(TOKEN));
        expectNoEvents();
        assertEquals(0, poll.poll(events, Duration.ZERO), () -> "still no repeat: " + events);
    }
}
