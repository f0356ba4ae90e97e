package io.jpoll.iocp;

import io.jpoll.AlreadyRegisteredException;
import io.jpoll.Interests;
import io.jpoll.NotRegisteredException;
import io.jpoll.spi.EventSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sockets closed without deregister, and SOCKET numbers that Windows hands out again, through
 * {@link FakeAfdPort}. No test polls between the close and what follows it unless it says so:
 * programs close a socket and open the next one without polling in between.
 *
 * <p>The parameterized tests run twice: once with the kernel writing a completion's
 * IO_STATUS_BLOCK before queueing it, once with the write deferred until the dequeue.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class CloseAndReuseTest {
    private static final long S1 = 0x100, S2 = 0x104;
    private static final int R = EventSink.READABLE, W = EventSink.WRITABLE;

    private final FakeAfdPort afd = new FakeAfdPort();
    private final IocpSelector selector = new IocpSelector(afd);

    @AfterEach
    void close() {
        selector.close();
        assertEquals(List.of(), afd.violations());
    }

    private EventSink poll(long timeoutNanos) throws Exception {
        EventSink sink = new EventSink(16);
        selector.select(sink, timeoutNanos);
        return sink;
    }

    private static void assertOnly(EventSink sink, long token, int readiness) {
        assertEquals(1, sink.size(), "events");
        assertEquals(token, sink.token(0));
        assertEquals(readiness, sink.readiness(0), "readiness bits");
    }

    // ---- bug 4: a disarmed registration still watches for the close ----

    @Test
    void oneshotAfterItsEventKeepsACloseOnlyPollPending() throws Exception {
        afd.setReady(S1, AfdFlags.RECEIVE);
        selector.register(S1, 1, Interests.READABLE);
        assertOnly(poll(0), 1, R);
        FakeAfdPort.Pending p = afd.pendingFor(S1);
        assertNotNull(p, "disarmed, yet still watching for the close");
        assertEquals(AfdFlags.LOCAL_CLOSE, p.mask);
        assertEquals(0, poll(0).size(), "the close-only poll reports nothing while the socket stays readable");

        afd.closeSocket(S1);
        assertEquals(0, poll(0).size());
        assertEquals(0, selector.liveBlocks(), "the state and its block went with the close");
        afd.reopenSocket(S1);
        afd.setReady(S1, AfdFlags.SEND);
        selector.register(S1, 2, Interests.WRITABLE);
        assertOnly(poll(0), 2, W);
    }

    @Test
    void rearmOfADisarmedOneshotReplacesTheCloseOnlyPoll() throws Exception {
        afd.setReady(S1, AfdFlags.RECEIVE);
        selector.register(S1, 1, Interests.READABLE);
        assertOnly(poll(0), 1, R);
        selector.reregister(S1, 3, Interests.READABLE);
        assertOnly(poll(0), 3, R);
        assertEquals(AfdFlags.LOCAL_CLOSE, afd.pendingFor(S1).mask);
    }

    @Test
    void aFailedReissueStillWatchesForTheClose() throws Exception {
        afd.setReady(S1, AfdFlags.RECEIVE);
        selector.register(S1, 5, Interests.READABLE.level());
        assertOnly(poll(0), 5, R);
        afd.failNextPoll(0xC000009A); // STATUS_INSUFFICIENT_RESOURCES
        assertOnly(poll(0), 5, R | EventSink.ERROR | EventSink.READ_CLOSED | EventSink.WRITE_CLOSED);
        assertEquals(AfdFlags.LOCAL_CLOSE, afd.pendingFor(S1).mask, "disarmed means a close-only poll");

        afd.closeSocket(S1);
        assertEquals(0, poll(0).size());
        assertEquals(0, selector.liveBlocks());
        assertThrows(NotRegisteredException.class, () -> selector.reregister(S1, 5, Interests.READABLE));
    }

    @Test
    void levelBetweenTwoSelectsWatchesOnlyForTheClose() throws Exception {
        afd.setReady(S1, AfdFlags.RECEIVE);
        selector.register(S1, 5, Interests.READABLE.level());
        assertOnly(poll(0), 5, R);
        assertEquals(AfdFlags.LOCAL_CLOSE, afd.pendingFor(S1).mask, "until the next select, only the close");
        assertOnly(poll(0), 5, R);
        afd.setReady(S1, 0);
        assertEquals(0, poll(0).size());
        assertEquals(AfdFlags.READ_MASK | AfdFlags.LOCAL_CLOSE, afd.pendingFor(S1).mask);
    }
}
