package io.jpoll.it;

import io.jpoll.ClosedPollException;
import io.jpoll.Events;
import io.jpoll.Interests;
import io.jpoll.Poll;
import io.jpoll.Source;
import io.jpoll.Timer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.time.Duration;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A Poll nested in another through {@link Poll#descriptor()}: the outer one reports the inner's
 * token while the inner has events, and not once they are taken.
 */
class NestingTest extends PollFixture {
    @Test
    void anInnerPollWithAReadyPipeMakesTheOuterReportItsTokenUntilDrained() throws Exception {
        OptionalInt fd = poll.descriptor();
        assumeTrue(fd.isPresent(), "no pollable descriptor on this backend");
        Pipe pipe = pipe();
        registry.register(Source.of(pipe.source()), 21, Interests.READABLE.level());
        try (Poll outer = Poll.open(poll.backend())) {
            Events outerEvents = new Events(4);
            outer.registry().register(Source.fd(fd.getAsInt()), 500, Interests.READABLE.level());
            assertEquals(0, outer.poll(outerEvents, Duration.ofMillis(30)), "the inner has nothing yet");

            pipe.sink().write(ByteBuffer.wrap(new byte[]{1, 2, 3}));
            assertEquals(1, outer.poll(outerEvents, Duration.ofSeconds(5)));
            assertEquals(500, outerEvents.token(0));
            assertTrue(outerEvents.isReadable(0));
            // Level-triggered both ways: while the pipe holds data, the inner stays ready.
            assertEquals(1, outer.poll(outerEvents, Duration.ofSeconds(1)));
            assertEquals(1, poll.poll(events, Duration.ZERO));
            assertEquals(21, events.token(0));

            ByteBuffer sink = ByteBuffer.allocate(16);
            assertEquals(3, pipe.source().read(sink));
            assertEquals(0, poll.poll(events, Duration.ZERO), "drained");
            assertEquals(0, outer.poll(outerEvents, Duration.ofMillis(30)), "draining the inner cleared the outer");

            // A timer of the inner Poll reaches the outer the same way.
            Timer timer = poll.timer(22);
            timer.set(Duration.ofMillis(5));
            assertEquals(1, outer.poll(outerEvents, Duration.ofSeconds(5)));
            assertEquals(500, outerEvents.token(0));
            assertEquals(1, poll.poll(events, Duration.ZERO));
            assertEquals(22, events.token(0));
            assertEquals(1, events.expirations(0));
            assertEquals(0, outer.poll(outerEvents, Duration.ofMillis(30)), "the expiry was taken");
            outer.registry().deregister(Source.fd(fd.getAsInt()));
        }
    }

    @Test
    void theDescriptorIsStableAndGoneWithThePoll() throws Exception {
        OptionalInt fd = poll.descriptor();
        assumeTrue(fd.isPresent(), "no pollable descriptor on this backend");
        assertEquals(fd, poll.descriptor());
        poll.close();
        assertThrows(ClosedPollException.class, () -> poll.descriptor());
    }
}
