package io.jpoll.iocp;

import com.sun.jna.Pointer;
import io.jpoll.AlreadyRegisteredException;
import io.jpoll.Interests;
import io.jpoll.NativeException;
import io.jpoll.NotRegisteredException;
import io.jpoll.Trigger;
import io.jpoll.spi.EventSink;
import io.jpoll.spi.WakerHandle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The selector's per-socket state machine, wakers and close, driven through {@link FakeAfdPort}.
 * These are logic tests: they show what the selector asks of AFD and how it reads the answers, not
 * that Windows answers so.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class IocpSelectorTest {
    private static final long S1 = 0x100, S2 = 0x104, S3 = 0x108;
    private static final long WAIT = TimeUnit.SECONDS.toNanos(5);
    private static final int R = EventSink.READABLE, W = EventSink.WRITABLE;

    private FakeAfdPort afd;
    private IocpSelector selector;
    private boolean closed;

    @BeforeEach
    void open() {
        afd = new FakeAfdPort();
        selector = new IocpSelector(afd);
    }

    @AfterEach
    void close() {
        if (!closed) {
            selector.close();
        }
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

    @Test
    void readySocketCompletesAtOnceAndThePollAsksForTheBaseSocketAndTheReadMask() throws Exception {
        afd.setReady(S1, AfdFlags.RECEIVE);
        selector.register(S1, 7, Interests.READABLE);
        assertOnly(poll(0), 7, R);

        afd.setReady(S2, 0);
        selector.register(S2, 8, Interests.READABLE);
        FakeAfdPort.Pending p = afd.pendingFor(S2);
        assertNotNull(p);
        Pointer info = new Pointer(p.pollInfo);
        assertEquals(Long.MAX_VALUE, info.getLong(Layout.POLL_INFO_TIMEOUT));
        assertEquals(1, info.getInt(Layout.POLL_INFO_COUNT));
        assertEquals(0, info.getInt(Layout.POLL_INFO_EXCLUSIVE));
        assertEquals(S2 + FakeAfdPort.BASE_OFFSET, info.getLong(Layout.POLL_INFO_HANDLES + Layout.HANDLE_INFO_HANDLE));
        assertEquals(AfdFlags.READ_MASK | AfdFlags.LOCAL_CLOSE, p.mask);
        assertEquals(p.iosb + Layout.BLOCK_POLL_INFO, p.pollInfo);
    }

    @Test
    void pendingPollCompletesWhenTheSocketBecomesReady() throws Exception {
        selector.register(S1, -1L, Interests.WRITABLE);
        assertEquals(0, poll(0).size());
        afd.setReady(S1, AfdFlags.SEND);
        assertOnly(poll(WAIT), -1L, W);
    }

    @Test
    void oneshotIsNotReissuedUntilReregister() throws Exception {
        afd.setReady(S1, AfdFlags.RECEIVE);
        selector.register(S1, 1, Interests.READABLE);
        assertOnly(poll(0), 1, R);
        assertEquals(0, poll(0).size());
        assertEquals(2, afd.polls());
        assertEquals(AfdFlags.LOCAL_CLOSE, afd.pendingFor(S1).mask, "a disarmed ONESHOT registration watches only the close");
        assertEquals(0, poll(0).size());
        assertEquals(2, afd.polls(), "its interests are polled again only when rearmed");

        selector.reregister(S1, 2, Interests.READABLE);
        assertOnly(poll(0), 2, R);
    }

    @Test
    void levelReportsOnEveryPollWhileReady() throws Exception {
        afd.setReady(S1, AfdFlags.RECEIVE);
        selector.register(S1, 3, Interests.READABLE.level());
        assertOnly(poll(0), 3, R);
        assertOnly(poll(0), 3, R);
        assertOnly(poll(WAIT), 3, R);
        afd.setReady(S1, 0);
        assertEquals(0, poll(0).size());
        assertNotNull(afd.pendingFor(S1), "LEVEL keeps a poll pending");
        afd.setReady(S1, AfdFlags.RECEIVE);
        assertOnly(poll(WAIT), 3, R);
    }

    @Test
    void levelReissuesOnlyAtTheNextSelectSoADrainedSocketStaysQuiet() throws Exception {
        afd.setReady(S1, AfdFlags.RECEIVE);
        selector.register(S1, 3, Interests.READABLE.level());
        assertOnly(poll(0), 3, R);
        assertEquals(AfdFlags.LOCAL_CLOSE, afd.pendingFor(S1).mask, "no poll for its interests until the next select");
        afd.setReady(S1, 0); // the user drained it
        assertEquals(0, poll(0).size());
    }

    @Test
    void growingTheInterestCancelsAndReissuesWithTheNewMask() throws Exception {
        selector.register(S1, 1, Interests.READABLE);
        FakeAfdPort.Pending first = afd.pendingFor(S1);
        assertEquals(AfdFlags.READ_MASK | AfdFlags.LOCAL_CLOSE, first.mask);

        afd.setReady(S1, AfdFlags.SEND);
        assertNotNull(afd.pendingFor(S1), "a readable poll does not see SEND");
        selector.reregister(S1, 2, Interests.READABLE.add(Interests.WRITABLE));
        assertEquals(1, afd.cancels());
        assertNull(afd.pendingFor(S1), "cancelled");

        // The cancelled completion yields nothing; the new poll completes at once.
        assertOnly(poll(0), 2, W);
        assertEquals(3, afd.polls(), "the first, the grown one, and the close-only one after the event");
    }

    @Test
    void shrinkingTheInterestKeepsThePendingPollAndDropsItsSurplus() throws Exception {
        selector.register(S1, 1, Interests.READABLE.add(Interests.WRITABLE));
        selector.reregister(S1, 1, Interests.WRITABLE);
        assertEquals(0, afd.cancels(), "a shrink needs no cancel");
        assertEquals(1, afd.polls());

        afd.setReady(S1, AfdFlags.RECEIVE);
        assertEquals(0, poll(0).size(), "RECEIVE is no longer wanted");
        FakeAfdPort.Pending again = afd.pendingFor(S1);
        assertNotNull(again, "reissued after the surplus completion");
        assertEquals(AfdFlags.WRITE_MASK | AfdFlags.LOCAL_CLOSE, again.mask);
    }

    @Test
    void reregisterWithTheSameInterestsWhilePendingChangesOnlyTheToken() throws Exception {
        selector.register(S1, 1, Interests.READABLE);
        selector.reregister(S1, 9, Interests.READABLE);
        assertEquals(1, afd.polls());
        assertEquals(0, afd.cancels());
        afd.setReady(S1, AfdFlags.RECEIVE);
        assertOnly(poll(WAIT), 9, R);
    }

    @Test
    void cancelledCompletionIsNotReadEvenThoughItsEventsFieldHoldsTheMask() throws Exception {
        selector.register(S1, 1, Interests.READABLE);
        // The cancelled poll's Events field still says RECEIVE|...: reading it would be a false event.
        selector.reregister(S1, 1, Interests.READABLE.add(Interests.PRIORITY));
        assertEquals(0, poll(0).size());
        assertEquals(AfdFlags.READ_MASK | AfdFlags.PRIORITY_MASK | AfdFlags.LOCAL_CLOSE, afd.pendingFor(S1).mask);
    }

    @Test
    void nonBlockingPollRightAfterAGrowReportsReadinessThatExisted() throws Exception {
        selector.register(S1, 1, Interests.READABLE);
        afd.setReady(S1, AfdFlags.SEND);
        selector.reregister(S1, 4, Interests.WRITABLE.add(Interests.READABLE));
        assertOnly(poll(0), 4, W);
    }

    @Test
    void deregisterWithAPendingPollKeepsTheBlockUntilItsCompletionIsDequeued() throws Exception {
        selector.register(S1, 1, Interests.READABLE);
        selector.deregister(S1);
        assertEquals(1, afd.cancels());
        assertEquals(1, selector.liveBlocks(), "the kernel may still write the block");
        assertEquals(0, poll(0).size());
        assertEquals(0, selector.liveBlocks());
        assertThrows(NotRegisteredException.class, () -> selector.deregister(S1));
    }

    @Test
    void deregisterAfterTheCompletionWasQueuedReportsNothing() throws Exception {
        selector.register(S1, 1, Interests.READABLE);
        afd.setReady(S1, AfdFlags.RECEIVE); // completion queued, not yet dequeued
        selector.deregister(S1);
        assertEquals(1, afd.cancelsNotFound(), "STATUS_NOT_FOUND is accepted");
        assertEquals(0, poll(0).size());
        assertEquals(0, selector.liveBlocks());
    }

    @Test
    void deregisterOfADisarmedStateCancelsItsCloseOnlyPollAndAllowsRegisteringAgain() throws Exception {
        afd.setReady(S1, AfdFlags.RECEIVE);
        selector.register(S1, 1, Interests.READABLE);
        assertOnly(poll(0), 1, R);
        selector.deregister(S1);
        assertEquals(1, afd.cancels());
        assertEquals(0, poll(0).size());
        assertEquals(0, selector.liveBlocks());
        selector.register(S1, 2, Interests.READABLE);
        assertOnly(poll(0), 2, R);
    }

    @Test
    void deregisterOfAStateWithNoPollInTheKernelFreesAtOnce() throws Exception {
        afd.setReady(S1, AfdFlags.RECEIVE);
        selector.register(S1, 1, Interests.READABLE);
        afd.failNextPoll(0xC000009A); // the close-only poll after the event is refused
        assertOnly(poll(0), 1, R);
        assertNull(afd.pendingFor(S1));
        selector.deregister(S1);
        assertEquals(0, selector.liveBlocks());
        assertEquals(0, afd.cancels());
    }

    @Test
    void reregisterAndDeregisterWhileACancelIsOutstanding() throws Exception {
        selector.register(S1, 1, Interests.READABLE);
        selector.reregister(S1, 1, Interests.READABLE.add(Interests.WRITABLE)); // cancelled
        selector.reregister(S1, 1, Interests.READABLE.add(Interests.WRITABLE).add(Interests.PRIORITY));
        assertEquals(1, afd.cancels(), "no second cancel while one is outstanding");
        selector.deregister(S1);
        assertEquals(1, afd.cancels());
        assertEquals(0, poll(0).size());
        assertEquals(0, selector.liveBlocks());
        assertEquals(1, afd.polls());
    }

    @Test
    void localCloseDropsTheStateWithoutAnEventAndLeavesATombstone() throws Exception {
        selector.register(S1, 1, Interests.READABLE);
        afd.closeSocket(S1);
        assertEquals(0, poll(0).size());
        assertEquals(0, selector.liveBlocks());
        assertEquals(1, afd.polls(), "no poll after LOCAL_CLOSE");

        NotRegisteredException e = assertThrows(NotRegisteredException.class,
                () -> selector.reregister(S1, 1, Interests.READABLE));
        assertEquals("Registry.reregister socket=256 token=1: not registered with this Poll (the socket was closed"
                + " while registered, which ended its registration)", e.getMessage());
        selector.deregister(S1); // quietly ends the tombstone
        assertThrows(NotRegisteredException.class, () -> selector.deregister(S1));
    }

    @Test
    void aHandleNumberThatCameBackAfterLocalCloseCanBeRegisteredAgain() throws Exception {
        selector.register(S1, 1, Interests.READABLE);
        afd.closeSocket(S1);
        assertEquals(0, poll(0).size());
        afd.reopenSocket(S1);
        afd.setReady(S1, AfdFlags.SEND);
        selector.register(S1, 2, Interests.WRITABLE); // replaces the tombstone
        assertOnly(poll(0), 2, W);
        selector.deregister(S1);
        assertEquals(0, poll(0).size());
        assertEquals(0, selector.liveBlocks());
    }

    @Test
    void socketClosedBetweenPollsIsDroppedWhenItsReissueFindsAnInvalidHandle() throws Exception {
        afd.setReady(S1, AfdFlags.RECEIVE);
        selector.register(S1, 5, Interests.READABLE.level());
        assertOnly(poll(0), 5, R);
        afd.closeSocket(S1); // nothing pending, so no LOCAL_CLOSE completion
        assertEquals(0, poll(0).size());
        assertEquals(0, selector.liveBlocks());
        assertThrows(NotRegisteredException.class, () -> selector.reregister(S1, 5, Interests.READABLE));
    }

    @Test
    void failedReissueIsReportedAsAnErrorAndDisarms() throws Exception {
        afd.setReady(S1, AfdFlags.RECEIVE);
        selector.register(S1, 5, Interests.READABLE.level());
        assertOnly(poll(0), 5, R);
        afd.failNextPoll(0xC000009A); // STATUS_INSUFFICIENT_RESOURCES
        assertOnly(poll(0), 5, R | EventSink.ERROR | EventSink.READ_CLOSED | EventSink.WRITE_CLOSED);
        assertEquals(0, poll(0).size(), "disarmed until reregister");
        selector.reregister(S1, 6, Interests.READABLE);
        assertOnly(poll(0), 6, R);
    }

    @Test
    void negativeStatusIsConnectFail() throws Exception {
        selector.register(S1, 1, Interests.WRITABLE);
        afd.completeRaw(S1, 0xC0000236, 1, 0); // STATUS_CONNECTION_REFUSED
        assertOnly(poll(WAIT), 1, W | EventSink.ERROR | EventSink.READ_CLOSED | EventSink.WRITE_CLOSED);
    }

    @Test
    void completionWithoutHandlesYieldsNothingAndPollsAgain() throws Exception {
        selector.register(S1, 1, Interests.READABLE);
        afd.completeRaw(S1, 0, 0, AfdFlags.RECEIVE);
        assertEquals(0, poll(0).size());
        assertNotNull(afd.pendingFor(S1));
        assertEquals(2, afd.polls());
    }

    @Test
    void disconnectAndAbortCarryTheClosedHints() throws Exception {
        afd.setReady(S1, AfdFlags.RECEIVE | AfdFlags.DISCONNECT);
        selector.register(S1, 1, Interests.READABLE);
        assertOnly(poll(0), 1, R | EventSink.READ_CLOSED);
        afd.setReady(S2, AfdFlags.ABORT);
        selector.register(S2, 2, Interests.READABLE.add(Interests.WRITABLE));
        assertOnly(poll(0), 2, R | W | EventSink.READ_CLOSED | EventSink.WRITE_CLOSED);
    }

    @Test
    void registerTwiceAndUnknownHandlesFailWithTheirExceptions() throws Exception {
        selector.register(S1, 1, Interests.READABLE);
        AlreadyRegisteredException a = assertThrows(AlreadyRegisteredException.class,
                () -> selector.register(S1, 2, Interests.WRITABLE));
        assertEquals("Registry.register socket=256 token=2: already registered with this Poll (token=1)", a.getMessage());
        NotRegisteredException n = assertThrows(NotRegisteredException.class,
                () -> selector.reregister(S2, 3, Interests.READABLE));
        assertEquals("Registry.reregister socket=260 token=3: not registered with this Poll", n.getMessage());
        n = assertThrows(NotRegisteredException.class, () -> selector.deregister(S2));
        assertEquals("Registry.deregister socket=260: not registered with this Poll", n.getMessage());
    }

    @Test
    void pollRefusedAtRegisterIsANativeExceptionAndFreesEverything() throws Exception {
        afd.failNextPoll(WinErrors.STATUS_INVALID_HANDLE);
        NativeException e = assertThrows(NativeException.class, () -> selector.register(S1, 4, Interests.READABLE));
        assertEquals("NtDeviceIoControlFile(IOCTL_AFD_POLL) socket=256 token=4: STATUS_INVALID_HANDLE"
                + " (An invalid HANDLE was specified)", e.getMessage());
        assertEquals(WinErrors.STATUS_INVALID_HANDLE, e.errorCode());
        assertEquals(0, selector.liveBlocks());
        selector.register(S1, 4, Interests.READABLE); // not left half-registered
    }

    @Test
    void notASocketIsANativeExceptionNamingWsaenotsock() {
        afd.notASocket(S3);
        NativeException e = assertThrows(NativeException.class, () -> selector.register(S3, 1, Interests.READABLE));
        assertEquals("WSAENOTSOCK", e.errorName());
        assertEquals(S3, e.handle());
        assertTrue(e.getMessage().startsWith("WSAIoctl(SIO_BASE_HANDLE) socket=264"), e.getMessage());
        assertEquals(0, selector.liveBlocks());
    }

    @Test
    void helperHandlesAreSharedByAtMost32Sockets() throws Exception {
        for (long s = 1; s <= 33; s++) {
            selector.register(s * 4, s, Interests.READABLE);
        }
        assertEquals(2, selector.helperCount());
        assertEquals(2, afd.helpersOpened());
        List<FakeAfdPort.Pending> pending = afd.pending();
        assertEquals(33, pending.size());
        long firstHelper = afd.pendingFor(4).helper;
        assertNotEquals(firstHelper, afd.pendingFor(33 * 4).helper);
        assertEquals(32, pending.stream().filter(p -> p.helper == firstHelper).count());

        // A freed place is reused before a third helper is opened.
        selector.deregister(4);
        assertEquals(0, poll(0).size());
        selector.register(34 * 4, 34, Interests.READABLE);
        assertEquals(2, afd.helpersOpened());
        assertEquals(firstHelper, afd.pendingFor(34 * 4).helper);
    }

    @Test
    void smallSinkGetsTheRestOnTheNextPoll() throws Exception {
        for (long s : new long[] {S1, S2, S3}) {
            afd.setReady(s, AfdFlags.RECEIVE);
            selector.register(s, s, Interests.READABLE);
        }
        List<Long> tokens = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            EventSink one = new EventSink(1);
            selector.select(one, 0);
            assertEquals(1, one.size());
            tokens.add(one.token(0));
        }
        assertEquals(List.of(S1, S2, S3), tokens);
        assertEquals(0, poll(0).size());
    }

    @Test
    void wakerReportsItsTokenAndWakesMergeWhileOneIsQueued() throws Exception {
        WakerHandle w = selector.newWaker(Long.MIN_VALUE);
        w.wake();
        w.wake();
        w.wake();
        assertEquals(1, afd.queued());
        assertOnly(poll(0), Long.MIN_VALUE, R);
        assertEquals(0, poll(0).size());
        w.wake();
        assertOnly(poll(0), Long.MIN_VALUE, R);
    }

    @Test
    void wakeFromAnotherThreadEndsABlockingPoll() throws Exception {
        WakerHandle w = selector.newWaker(42);
        Thread t = new Thread(() -> {
            try {
                w.wake();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        t.start();
        assertOnly(poll(-1), 42, R);
        t.join(5000);
    }

    @Test
    void packetOfAClosedWakerIsDropped() throws Exception {
        WakerHandle w = selector.newWaker(1);
        WakerHandle other = selector.newWaker(2);
        w.wake();
        w.close();
        other.wake();
        assertOnly(poll(0), 2, R);
    }

    @Test
    void interruptWakesEveryBlockedPollerAndLaterPollsReturnAtOnce() throws Exception {
        int threads = 3;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch started = new CountDownLatch(threads);
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit(() -> {
                    started.countDown();
                    return poll(-1).size();
                }));
            }
            assertTrue(started.await(5, TimeUnit.SECONDS));
            selector.interrupt();
            for (Future<Integer> r : results) {
                assertEquals(0, r.get(5, TimeUnit.SECONDS));
            }
            assertEquals(0, poll(-1).size());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void interruptNeverThrowsEvenWhenThePostFailsAndLaterPollsReturnAtOnce() throws Exception {
        afd.failPosts(1450); // ERROR_NO_SYSTEM_RESOURCES
        selector.interrupt();
        assertEquals(0, poll(-1).size(), "the flag alone ends later polls");
    }

    @Test
    void oneshotEventReachesExactlyOneOfSeveralPollers() throws Exception {
        selector.register(S1, 77, Interests.READABLE);
        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicInteger events = new AtomicInteger();
        CountDownLatch delivered = new CountDownLatch(1);
        try {
            CountDownLatch started = new CountDownLatch(threads);
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                done.add(pool.submit(() -> {
                    started.countDown();
                    EventSink sink = poll(-1);
                    for (int k = 0; k < sink.size(); k++) {
                        if (sink.token(k) == 77) {
                            events.incrementAndGet();
                            delivered.countDown();
                        }
                    }
                    return null;
                }));
            }
            assertTrue(started.await(5, TimeUnit.SECONDS));
            afd.setReady(S1, AfdFlags.RECEIVE);
            assertTrue(delivered.await(5, TimeUnit.SECONDS));
            // The pollers still waiting are released by the interrupt, which brings no event.
            selector.interrupt();
            for (Future<?> f : done) {
                f.get(5, TimeUnit.SECONDS);
            }
            assertEquals(1, events.get());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void closeCancelsAndDrainsPendingPollsThenClosesHelpersAndPort() throws Exception {
        selector.register(S1, 1, Interests.READABLE);
        selector.register(S2, 2, Interests.WRITABLE);
        afd.setReady(S3, AfdFlags.RECEIVE);
        selector.register(S3, 3, Interests.READABLE);
        assertOnly(poll(0), 3, R); // S3 now polls only for the close
        selector.register(S3 + 4, 4, Interests.READABLE);
        selector.deregister(S3 + 4); // deleted, cancel outstanding
        selector.newWaker(9).wake();

        selector.close();
        closed = true;
        assertEquals(4, afd.cancels(), "S1, S2, S3's close-only poll and the deregistered one");
        assertEquals(0, selector.liveBlocks());
        assertEquals(List.of(), afd.pending());
        assertEquals(1, afd.helpersClosed());
        assertEquals(0, afd.pollsAtHelperClose());
        assertTrue(afd.portClosed());
    }

    @Test
    void closeAbandonsTheBlocksOfPollsWhoseCompletionNeverComes() throws Exception {
        int before = IocpSelector.abandonedBlocks();
        afd.cancelsComplete(false);
        selector.register(S1, 1, Interests.READABLE);
        selector.register(S2, 2, Interests.READABLE);
        selector.close();
        closed = true;
        assertEquals(2, afd.cancels());
        assertEquals(before + 2, IocpSelector.abandonedBlocks(), "kept, never freed: the kernel may still write them");
        assertEquals(2, afd.pollsAtHelperClose(), "closing the helper is what ends them on Windows");
        assertTrue(afd.portClosed());
    }

    @Test
    void edgeIsRefusedWithAReason() {
        assertTrue(selector.supports(Trigger.ONESHOT));
        assertTrue(selector.supports(Trigger.LEVEL));
        assertFalse(selector.supports(Trigger.EDGE));
        assertNull(selector.refusal(Interests.READABLE.level()));
        assertNull(selector.refusal(Interests.PRIORITY));
        String reason = selector.refusal(Interests.WRITABLE.edge());
        assertTrue(reason.startsWith("EDGE is not offered: "), reason);
        assertTrue(reason.contains("current state, not with a change"), reason);
        assertTrue(reason.contains("use ONESHOT and reregister after draining, or LEVEL"), reason);
    }

    @Test
    void waitsAreMillisecondsRoundedUpAndBeyondTheLargestDwordInfinite() throws IOException {
        WakerHandle w = selector.newWaker(7);
        long ms = 1_000_000L;
        long[][] timeoutAndMillis = {{1, 1}, {ms, 1}, {ms + 1, 2}, {0xFFFFFFFEL * ms, 0xFFFFFFFEL},
                {0xFFFFFFFEL * ms + 1, -1}, {Long.MAX_VALUE, -1}, {-1, -1}};
        for (long[] c : timeoutAndMillis) {
            w.wake(); // queued first, so that the wait returns at once whatever its timeout
            EventSink sink = new EventSink(4);
            selector.select(sink, c[0]);
            assertOnly(sink, 7, EventSink.READABLE);
            assertEquals((int) c[1], afd.lastDequeueMillis, "the DWORD for a timeout of " + c[0] + " ns");
        }
    }
}
