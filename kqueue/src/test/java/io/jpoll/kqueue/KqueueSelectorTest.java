package io.jpoll.kqueue;

import io.jpoll.Events;
import io.jpoll.Interests;
import io.jpoll.NativeException;
import io.jpoll.Poll;
import io.jpoll.Source;
import io.jpoll.Waker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The selector against a real kqueue: the OS's own on macOS and the BSDs, libkqueue on Linux when
 * {@code -Djpoll.kqueue.library} names it; skipped elsewhere. Covers what only this backend does:
 * merging both filters of a registration, ONESHOT over two filters, the wake pipe fallback.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class KqueueSelectorTest {
    private final List<AutoCloseable> closeLater = new ArrayList<>();

    @BeforeAll
    static void kqueueRunsHere() {
        assumeTrue(new KqueueBackend().isSupported(), () -> "no kqueue here: " + Natives.unsupportedReason());
    }

    @AfterEach
    void close() throws Exception {
        for (int i = closeLater.size() - 1; i >= 0; i--) {
            closeLater.get(i).close();
        }
        System.clearProperty(WakeupChoice.WAKEUP_PROPERTY);
    }

    private <T extends AutoCloseable> T later(T t) {
        closeLater.add(t);
        return t;
    }

    /** A connected loopback pair, non-blocking; the first end has {@code bytes} waiting to be read. */
    private SocketChannel[] pair(int bytes) throws IOException {
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            SocketChannel a = later(SocketChannel.open(listener.getLocalAddress()));
            SocketChannel b = later(listener.accept());
            a.configureBlocking(false);
            b.configureBlocking(false);
            if (bytes > 0) {
                assertEquals(bytes, b.write(ByteBuffer.allocate(bytes)));
            }
            return new SocketChannel[]{a, b};
        }
    }

    /** Polls until at least one event, at most 5 s. */
    private static int pollSome(Poll poll, Events events) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (poll.poll(events, Duration.ofMillis(200)) == 0) {
            assertTrue(System.nanoTime() < deadline, "no event within 5 s");
        }
        return events.size();
    }

    @Test
    void bothFiltersOfOneRegistrationArriveAsOneEvent() throws Exception {
        Poll poll = later(Poll.open("kqueue"));
        SocketChannel[] p = pair(3);
        Source s = Source.of(p[0]);
        poll.registry().register(s, -99L, Interests.READABLE.add(Interests.WRITABLE).level());
        Events events = new Events(8);
        // Both filters are ready at once; the two records may still come from two kevent() calls,
        // so allow two polls to see the readable bit.
        int bits = 0;
        for (int i = 0; i < 2 && bits != 3; i++) {
            pollSome(poll, events);
            assertEquals(1, events.size(), events.toString());
            assertEquals(-99L, events.token(0));
            bits |= (events.isReadable(0) ? 1 : 0) | (events.isWritable(0) ? 2 : 0);
        }
        assertEquals(3, bits, "readable and writable reported");
        assertFalse(events.isReadClosed(0));
        assertFalse(events.isError(0));
    }

    @Test
    void oneshotOverTwoFiltersDeliversOneEventUntilReregister() throws Exception {
        Poll poll = later(Poll.open("kqueue"));
        SocketChannel[] p = pair(1);
        Source s = Source.of(p[0]);
        poll.registry().register(s, 7, Interests.READABLE.add(Interests.WRITABLE));
        Events events = new Events(8);
        assertEquals(1, pollSome(poll, events));
        assertEquals(7L, events.token(0));
        // Whichever filter came second is dropped: the registration is disarmed.
        assertEquals(0, poll.poll(events, Duration.ofMillis(300)), events.toString());

        poll.registry().reregister(s, 8, Interests.READABLE);
        assertEquals(1, pollSome(poll, events));
        assertEquals(8L, events.token(0));
        assertTrue(events.isReadable(0));
        assertFalse(events.isWritable(0), "WRITABLE is no longer asked for");
        assertEquals(0, poll.poll(events, Duration.ofMillis(200)), events.toString());
    }

    /**
     * The ONESHOT re-arm after output is flushed, twice: on FreeBSD, OpenBSD, NetBSD and DragonFly
     * the delete's receipt keeps no EV_DELETE, and the second reregister used to throw ENOENT.
     * Over libkqueue, run it through the BSD-receipt shim (src/test/c/bsd_receipts.c) to see that.
     */
    @Test
    void reregisterDroppingWritableCanBeRepeated() throws Exception {
        Poll poll = later(Poll.open("kqueue"));
        SocketChannel[] p = pair(1);
        Source s = Source.of(p[0]);
        poll.registry().register(s, 1, Interests.READABLE.add(Interests.WRITABLE));
        poll.registry().reregister(s, 2, Interests.READABLE);
        poll.registry().reregister(s, 3, Interests.READABLE);
        Events events = new Events(4);
        assertEquals(1, pollSome(poll, events));
        assertEquals(3L, events.token(0));
        assertTrue(events.isReadable(0));
        assertFalse(events.isWritable(0));
        poll.registry().reregister(s, 4, Interests.READABLE.add(Interests.WRITABLE));
        poll.registry().reregister(s, 5, Interests.READABLE);
        poll.registry().reregister(s, 6, Interests.READABLE);
        poll.registry().deregister(s);
    }

    @Test
    void edgeReportsNewDataOnly() throws Exception {
        Poll poll = later(Poll.open("kqueue"));
        SocketChannel[] p = pair(1);
        poll.registry().register(Source.of(p[0]), 1, Interests.READABLE.edge());
        Events events = new Events(4);
        assertEquals(1, pollSome(poll, events));
        assertEquals(0, poll.poll(events, Duration.ofMillis(200)), "no new data, no event");
        p[1].write(ByteBuffer.allocate(1));
        assertEquals(1, pollSome(poll, events));
        assertTrue(events.isReadable(0));
    }

    @Test
    void kernelRefusalsNameTheOperationAndTheSymbolicError() throws Exception {
        Poll poll = later(Poll.open("kqueue"));
        NativeException e = assertThrows(NativeException.class,
                () -> poll.registry().register(Source.fd(1_000_000), 3, Interests.READABLE));
        // (libkqueue before 2.7 says EFAULT; the backend restores EBADF there.)
        assertEquals("kevent(EV_ADD) fd=1000000 token=3: EBADF (Bad file descriptor)", e.getMessage());
        // The failed register left nothing behind.
        assertThrows(io.jpoll.NotRegisteredException.class, () -> poll.registry().deregister(Source.fd(1_000_000)));
    }

    @Test
    void pipeFallbackWakersMergeAndAreEachReportedOnce() throws Exception {
        System.setProperty(WakeupChoice.WAKEUP_PROPERTY, "pipe");
        Poll poll = later(Poll.open("kqueue"));
        Waker a = later(poll.waker(Long.MAX_VALUE));
        Waker b = later(poll.waker(-1L));
        a.wake();
        a.wake();
        b.wake();
        Events one = new Events(1);
        Set<Long> seen = new HashSet<>();
        seen.add(pollTokens(poll, one));
        seen.add(pollTokens(poll, one));
        assertEquals(Set.of(Long.MAX_VALUE, -1L), seen, "each waker once, the second in the next poll");
        assertEquals(0, poll.poll(one, Duration.ofMillis(200)), one.toString());
    }

    private static long pollTokens(Poll poll, Events events) throws IOException {
        assertEquals(1, pollSome(poll, events));
        assertTrue(events.isReadable(0));
        return events.token(0);
    }

    @Test
    void pipeFallbackCloseWakesABlockedPoller() throws Exception {
        System.setProperty(WakeupChoice.WAKEUP_PROPERTY, "pipe");
        Poll poll = Poll.open("kqueue");
        Events events = new Events(4);
        Thread poller = new Thread(() -> {
            try {
                poll.poll(events, null);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
        poller.start();
        // Wait until the poller is blocked inside the native call, then close.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (poller.getState() != Thread.State.RUNNABLE || !inNativePoll(poller)) {
            assertTrue(System.nanoTime() < deadline, "poller never blocked");
            Thread.onSpinWait();
        }
        poll.close();
        poller.join(5000);
        assertFalse(poller.isAlive(), "the blocked poll returned after close");
        assertEquals(0, events.size());
    }

    /** On libkqueue before 2.7 this needs ChangeHandoff: the waiting poller holds the kqueue mutex. */
    @Test
    void aRegisterFromAnotherThreadReachesABlockedPoll() throws Exception {
        Poll poll = later(Poll.open("kqueue"));
        SocketChannel[] p = pair(0);
        Thread main = Thread.currentThread();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread registrar = new Thread(() -> {
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (!inNativePoll(main)) {
                    assertTrue(System.nanoTime() < deadline, "the poll never blocked");
                    Thread.onSpinWait();
                }
                poll.registry().register(Source.of(p[0]), 55, Interests.WRITABLE);
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        registrar.start();
        Events events = new Events(4);
        // Were the register stuck behind the wait, the poll would end empty at its timeout.
        int n = poll.poll(events, Duration.ofSeconds(10));
        registrar.join(5000);
        assertNull(failure.get());
        assertEquals(1, n, events.toString());
        assertEquals(55L, events.token(0));
        assertTrue(events.isWritable(0));
    }

    private static boolean inNativePoll(Thread t) {
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getMethodName().equals("kevent") || e.getMethodName().equals("__kevent50")) {
                return true;
            }
        }
        return false;
    }
}
