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
import java.util.concurrent.CompletableFuture;
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
    void aCloseOnlyPollReportsNothingButTheClose() throws Exception {
        afd.setReady(S1, AfdFlags.RECEIVE);
        selector.register(S1, 1, Interests.READABLE);
        assertOnly(poll(0), 1, R);
        int polls = afd.polls();

        afd.completeRaw(S1, 0, 1, AfdFlags.RECEIVE); // events it did not ask for
        assertEquals(0, poll(0).size(), "a disarmed ONESHOT registration reports nothing");
        assertEquals(AfdFlags.LOCAL_CLOSE, afd.pendingFor(S1).mask, "and goes on watching for the close");

        afd.completeRaw(S1, 0xC000009A, 0, 0); // the close-only poll itself failed
        assertEquals(0, poll(0).size(), "no error event for a registration that wants none");
        assertNull(afd.pendingFor(S1), "no new close-only poll: one failing at once would spin");
        assertEquals(polls + 1, afd.polls());

        selector.reregister(S1, 2, Interests.READABLE);
        assertOnly(poll(0), 2, R);
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

    // ---- bug 3: a closed socket's number comes back ----

    @ParameterizedTest(name = "kernel writes on dequeue: {0}")
    @ValueSource(booleans = {false, true})
    void registerOfAReusedNumberSucceedsWhenThePendingPollSawTheClose(boolean writeOnDequeue) throws Exception {
        afd.writeOnDequeue(writeOnDequeue);
        selector.register(S1, 1, Interests.READABLE);
        afd.closeSocket(S1);
        afd.openSocket(S1);
        afd.setReady(S1, AfdFlags.SEND);

        selector.register(S1, 2, Interests.WRITABLE); // no poll in between
        assertOnly(poll(0), 2, W);
        assertEquals(1, selector.liveBlocks(), "the old state went once its LOCAL_CLOSE was dequeued");
        selector.deregister(S1);
        assertEquals(0, poll(0).size());
        assertEquals(0, selector.liveBlocks());
    }

    @ParameterizedTest(name = "kernel writes on dequeue: {0}")
    @ValueSource(booleans = {false, true})
    void registerOfAReusedNumberAfterADisarmedOneshotSucceeds(boolean writeOnDequeue) throws Exception {
        afd.writeOnDequeue(writeOnDequeue);
        afd.setReady(S1, AfdFlags.RECEIVE);
        selector.register(S1, 1, Interests.READABLE);
        assertOnly(poll(0), 1, R);
        afd.closeSocket(S1);
        afd.openSocket(S1);
        selector.register(S1, 2, Interests.READABLE);
        afd.setReady(S1, AfdFlags.RECEIVE);
        assertOnly(poll(0), 2, R);
    }

    @ParameterizedTest(name = "kernel writes on dequeue: {0}")
    @ValueSource(booleans = {false, true})
    void levelReissueNeverPollsTheSocketThatGotTheNumber(boolean writeOnDequeue) throws Exception {
        afd.writeOnDequeue(writeOnDequeue);
        afd.setReady(S1, AfdFlags.RECEIVE);
        selector.register(S1, 5, Interests.READABLE.level());
        assertOnly(poll(0), 5, R);
        afd.closeSocket(S1);
        FakeAfdPort.Socket successor = afd.openSocket(S1);
        afd.setReady(S1, AfdFlags.RECEIVE);

        EventSink sink = poll(0);
        assertEquals(0, sink.size(), "the closed socket's token must not report the new socket");
        assertNull(afd.pendingOn(successor), "the old registration must not watch the new socket");
        assertEquals(0, selector.liveBlocks());
        selector.register(S1, 6, Interests.READABLE.level());
        assertOnly(poll(0), 6, R);
    }

    @ParameterizedTest(name = "kernel writes on dequeue: {0}")
    @ValueSource(booleans = {false, true})
    void eventsOfOtherSocketsThatTheProbeDequeuedAreReportedByTheNextPoll(boolean writeOnDequeue) throws Exception {
        afd.writeOnDequeue(writeOnDequeue);
        selector.register(S2, 22, Interests.READABLE);
        selector.register(S1, 1, Interests.READABLE);
        afd.setReady(S2, AfdFlags.RECEIVE); // queued before the close
        afd.closeSocket(S1);
        afd.openSocket(S1);
        selector.register(S1, 2, Interests.READABLE);
        assertOnly(poll(0), 22, R);
        assertEquals(0, poll(0).size());
    }

    @Test
    void aLayeredSocketWithAnotherBaseIsANewSocket() throws Exception {
        afd.openLayered(S1, 0x5550);
        afd.setReady(S1, AfdFlags.SEND);
        selector.register(S1, 1, Interests.WRITABLE); // completes at once: nothing is pending at the close
        afd.closeSocket(S1);
        afd.openLayered(S1, 0x5554);
        afd.setReady(S1, AfdFlags.SEND);
        selector.register(S1, 2, Interests.WRITABLE);
        assertOnly(poll(0), 2, W);
    }

    @Test
    void registeringAnOpenSocketTwiceIsStillRefused() throws Exception {
        selector.register(S1, 1, Interests.READABLE);
        AlreadyRegisteredException e = assertThrows(AlreadyRegisteredException.class,
                () -> selector.register(S1, 2, Interests.WRITABLE));
        assertTrue(e.getMessage().startsWith("Registry.register socket=256 token=2: already registered with this Poll"
                + " (token=1)"), e.getMessage());
        afd.setReady(S1, AfdFlags.RECEIVE);
        assertOnly(poll(0), 1, R);
    }

    // ---- a socket that was ready when it closed: no poll pending, so AFD saw no close ----

    @Test
    void aSuccessorWithOtherAddressesIsANewSocket() throws Exception {
        afd.socket(S1).bound(40001);
        afd.setReady(S1, AfdFlags.SEND);
        selector.register(S1, 1, Interests.WRITABLE.level()); // completes at once, its completion queued
        afd.closeSocket(S1);                                   // no poll pending: nothing happens
        afd.openSocket(S1).bound(40002);
        afd.setReady(S1, AfdFlags.SEND);

        selector.register(S1, 2, Interests.WRITABLE);
        assertOnly(poll(0), 2, W);
        assertEquals(1, selector.liveBlocks());
    }

    @Test
    void anAcceptedSuccessorIsToldApartByItsPeer() throws Exception {
        afd.socket(S1).bound(8080).connectedTo(50001);
        afd.setReady(S1, AfdFlags.RECEIVE);
        selector.register(S1, 1, Interests.READABLE);
        afd.closeSocket(S1);
        afd.openSocket(S1).bound(8080).connectedTo(50002); // same listener port, another client
        selector.register(S1, 2, Interests.READABLE);
        afd.setReady(S1, AfdFlags.RECEIVE);
        assertOnly(poll(0), 2, R);
    }

    @Test
    void aSuccessorThatLooksTheSameIsRefusedTheResidualRisk() throws Exception {
        afd.socket(S1).bound(40001);
        afd.setReady(S1, AfdFlags.SEND);
        selector.register(S1, 1, Interests.WRITABLE);
        afd.closeSocket(S1);
        afd.openSocket(S1).bound(40001); // e.g. SO_REUSEADDR: nothing tells the two apart
        assertThrows(AlreadyRegisteredException.class, () -> selector.register(S1, 2, Interests.WRITABLE));
        // The user's way out, as with wepoll: deregister (here, after the fact) and register again.
        selector.deregister(S1);
        selector.register(S1, 2, Interests.WRITABLE);
        afd.setReady(S1, AfdFlags.SEND);
        assertOnly(poll(0), 2, W);
    }

    @Test
    void aClosePollStartedOnTheSuccessorIsCancelledWhenTheSuccessorRegisters() throws Exception {
        afd.socket(S1).bound(40001);
        selector.register(S1, 1, Interests.READABLE);
        afd.setReady(S1, AfdFlags.RECEIVE); // completion queued
        afd.closeSocket(S1);                // after the completion: AFD sees no close
        FakeAfdPort.Socket successor = afd.openSocket(S1).bound(40002);

        // The residual: the queued readiness of the closed socket is reported, and the close-only
        // poll that follows it can only name the number, which is the successor's now.
        assertOnly(poll(0), 1, R);
        assertEquals(AfdFlags.LOCAL_CLOSE, afd.pendingOn(successor).mask);

        selector.register(S1, 2, Interests.READABLE); // the addresses differ: the old one ends
        afd.setReady(S1, AfdFlags.RECEIVE);
        assertOnly(poll(0), 2, R); // (the fake flags two polls pending on the successor)
        assertEquals(1, selector.liveBlocks());
    }

    @Test
    void aRegistrationWithNoPollInTheKernelGivesWayToARegisterOfItsNumber() throws Exception {
        afd.setReady(S1, AfdFlags.RECEIVE);
        selector.register(S1, 1, Interests.READABLE);
        afd.failNextPoll(0xC000009A); // the close-only poll after the event is refused
        assertOnly(poll(0), 1, R);
        selector.register(S1, 2, Interests.READABLE); // nothing vouches that the number is still its socket
        assertOnly(poll(0), 2, R);
        assertEquals(1, selector.liveBlocks());
    }

    @Test
    void aPollerBlockedWithoutTimeoutGetsWhatTheProbeTookOffThePort() throws Exception {
        afd.writeOnDequeue(true);
        selector.register(S2, 22, Interests.READABLE);
        selector.register(S1, 1, Interests.READABLE);
        afd.holdBlockingDequeues(true);
        CompletableFuture<EventSink> blocked = CompletableFuture.supplyAsync(() -> {
            try {
                return poll(-1);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            afd.awaitBlockedDequeues(1);
            afd.setReady(S2, AfdFlags.RECEIVE);
            afd.closeSocket(S1);
            afd.openSocket(S1);
            selector.register(S1, 2, Interests.READABLE); // takes S2's completion and S1's close off the port
        } finally {
            afd.holdBlockingDequeues(false);
        }
        EventSink got = blocked.get(5, TimeUnit.SECONDS);
        assertOnly(got, 22, R);
    }
}
