package io.jpoll.it;

import io.jpoll.ClosedPollException;
import io.jpoll.Events;
import io.jpoll.Interests;
import io.jpoll.Poll;
import io.jpoll.Source;
import io.jpoll.Waker;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.Pipe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static io.jpoll.it.Expect.readable;
import static io.jpoll.it.Expect.writable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Closing a Poll: blocked pollers return, later calls fail cleanly, nothing touches a reused fd. */
class CloseTest extends PollFixture {

    /** A thread blocked in poll(null), and what became of that poll. */
    private final class BlockedPoller {
        final Thread thread;
        final CountDownLatch returned = new CountDownLatch(1);
        final AtomicReference<Throwable> thrown = new AtomicReference<>();
        final AtomicInteger result = new AtomicInteger(-1);

        BlockedPoller(String name) {
            Events own = new Events(8);
            thread = new Thread(() -> {
                try {
                    result.set(poll.poll(own, null));
                } catch (Throwable t) {
                    thrown.set(t);
                } finally {
                    returned.countDown();
                }
            }, name);
            thread.setDaemon(true);
            thread.start();
            Pollers.awaitBlockedInPoll(thread);
        }

        void assertReturnedNormally() throws InterruptedException {
            assertTrue(returned.await(1, TimeUnit.SECONDS), thread.getName() + " still blocked 1 s after close");
            assertNull(thrown.get(), () -> thread.getName() + " threw " + thrown.get());
            assertTrue(result.get() >= 0);
            thread.join(1000);
        }
    }

    @Test
    @DisplayName("22. close from another thread while poll(null) blocks -> it returns promptly, normally")
    void closeReleasesABlockedPoll() throws Exception {
        BlockedPoller poller = new BlockedPoller("poller");
        poll.close();
        poller.assertReturnedNormally();
        assertFalse(poll.isOpen());
    }

    @Test
    @DisplayName("22. after close: poll, register, reregister, deregister, waker -> ClosedPollException naming the call")
    void everyCallFailsAfterClose() throws Exception {
        DatagramChannel udp = udp();
        Source registered = Source.of(udp);
        registry.register(registered, 1, Interests.READABLE);
        Source other = Source.of(udp());
        poll.close();

        assertClosed("poll", () -> poll.poll(events, Duration.ZERO));
        assertClosed("poll", () -> poll.poll(events, null));
        assertClosed("register", () -> registry.register(other, 2, Interests.READABLE));
        assertClosed("reregister", () -> registry.reregister(registered, 3, Interests.WRITABLE));
        assertClosed("deregister", () -> registry.deregister(registered));
        assertClosed("waker", () -> poll.waker(4));
        assertTrue(udp.isOpen(), "closing the Poll leaves the channels to their owner");
    }

    @Test
    @DisplayName("22. Waker.wake after its Poll closed is a no-op; close is idempotent")
    void wakeAfterCloseIsANoOp() throws Exception {
        Waker waker = poll.waker(9);
        poll.close();
        waker.wake();
        waker.wake();
        waker.close();
        waker.wake();
        poll.close();
        assertFalse(poll.isOpen());
    }

    @Test
    @DisplayName("22. several threads blocked in poll(null) all return on close")
    void closeReleasesEveryPoller() throws Exception {
        List<BlockedPoller> pollers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            pollers.add(new BlockedPoller("poller-" + i));
        }
        poll.close();
        for (BlockedPoller p : pollers) {
            p.assertReturnedNormally();
        }
    }

    @Test
    @DisplayName("close from several threads at once: each returns, the Poll is closed once")
    void concurrentClose() throws Exception {
        BlockedPoller poller = new BlockedPoller("poller");
        List<Thread> closers = new ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(4);
        for (int i = 0; i < 4; i++) {
            Thread t = new Thread(() -> {
                try {
                    poll.close();
                } catch (Throwable e) {
                    failure.set(e);
                } finally {
                    done.countDown();
                }
            }, "closer-" + i);
            closers.add(t);
            t.start();
        }
        assertTrue(done.await(2, TimeUnit.SECONDS), "a close did not return");
        assertNull(failure.get(), () -> "close threw " + failure.get());
        poller.assertReturnedNormally();
        assertFalse(poll.isOpen());
    }

    @Test
    @DisplayName("close while other threads register and wake in a loop: they see ClosedPollException or nothing, never an OS error")
    void closeDuringRegistryTraffic() throws Exception {
        Source source = Source.of(udp());
        Waker waker = poll.waker(77);
        AtomicInteger rounds = new AtomicInteger();
        AtomicReference<Throwable> registrarEnd = new AtomicReference<>();
        AtomicReference<Throwable> wakerFailure = new AtomicReference<>();
        CountDownLatch started = new CountDownLatch(1);
        Thread registrar = new Thread(() -> {
            try {
                while (true) {
                    registry.register(source, 1, Interests.WRITABLE);
                    registry.reregister(source, 2, Interests.READABLE);
                    registry.deregister(source);
                    if (rounds.incrementAndGet() == 100) {
                        started.countDown();
                    }
                }
            } catch (Throwable t) {
                registrarEnd.set(t);
            }
        }, "registrar");
        Thread wakerThread = new Thread(() -> {
            try {
                while (registrar.isAlive()) {
                    waker.wake();
                }
            } catch (Throwable t) {
                wakerFailure.set(t);
            }
        }, "waker");
        registrar.start();
        wakerThread.start();
        assertTrue(started.await(5, TimeUnit.SECONDS),
                () -> "the registrar did not get going; it ended with " + registrarEnd.get());
        poll.close();
        registrar.join(2000);
        wakerThread.join(2000);
        assertFalse(registrar.isAlive());
        assertInstanceOf(ClosedPollException.class, registrarEnd.get(),
                () -> "the registrar ended with " + registrarEnd.get());
        assertNull(wakerFailure.get(), () -> "wake threw " + wakerFailure.get());
    }

    @Test
    @DisplayName("a stale waker never writes into a descriptor that reused its number")
    void staleWakerDoesNotTouchReusedDescriptors() throws Exception {
        Poll old = Poll.open();
        Waker stale = old.waker(5);
        old.close();
        // New descriptors now likely take the numbers the old Poll and its waker released.
        List<Pipe> pipes = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            pipes.add(pipe());
        }
        for (Pipe p : pipes) {
            registry.register(Source.of(p.source()), 100 + pipes.indexOf(p), Interests.READABLE);
        }
        stale.wake();
        stale.close();
        expectNoEvents();
        for (Pipe p : pipes) {
            assertEquals(0, p.source().read(ByteBuffer.allocate(16)), "nothing was written into the pipe");
        }
    }

    @Test
    @DisplayName("a closed Poll leaves registered channels open and working")
    void channelsOutliveThePoll() throws Exception {
        StreamPair pair = tcpPair();
        registry.register(Source.of(pair.server()), 1, Interests.READABLE);
        poll.close();
        assertTrue(pair.server().isOpen());
        send(pair.client(), "after");
        try (Poll next = Poll.open()) {
            Events mine = new Events(4);
            next.registry().register(Source.of(pair.server()), 2, Interests.READABLE);
            Await.events(next, mine, readable(2));
            assertEquals("after", ascii(drain(pair.server())));
            next.registry().register(Source.of(pair.client()), 3, Interests.WRITABLE);
            Await.events(next, mine, writable(3));
        }
    }

    private static void assertClosed(String operation, Executable call) {
        ClosedPollException e = assertThrows(ClosedPollException.class, call, operation);
        assertTrue(e.getMessage() != null && e.getMessage().toLowerCase().contains(operation.toLowerCase()),
                () -> "'" + e.getMessage() + "' does not name " + operation);
        assertInstanceOf(IOException.class, e);
    }
}
