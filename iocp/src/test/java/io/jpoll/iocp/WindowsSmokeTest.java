package io.jpoll.iocp;

import io.jpoll.Events;
import io.jpoll.Interests;
import io.jpoll.NativeException;
import io.jpoll.Poll;
import io.jpoll.Source;
import io.jpoll.Waker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real backend on real sockets: runs only on Windows (the public CI matrix), never on the
 * Linux machine the backend was written on. Everything else in this module tests logic only.
 */
@EnabledOnOs(value = OS.WINDOWS, architectures = "amd64")
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WindowsSmokeTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    private Poll poll;
    private ServerSocketChannel listener;
    private SocketChannel client;
    private SocketChannel server;
    private final Events events = new Events(16);

    @BeforeEach
    void connect() throws IOException {
        poll = Poll.open("iocp");
        listener = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        client = SocketChannel.open(listener.getLocalAddress());
        server = listener.accept();
        client.configureBlocking(false);
        server.configureBlocking(false);
        listener.configureBlocking(false);
    }

    @AfterEach
    void closeAll() throws IOException {
        poll.close();
        client.close();
        server.close();
        listener.close();
    }

    private void send(SocketChannel from, String text) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(text.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        while (b.hasRemaining()) {
            from.write(b);
        }
    }

    @Test
    void readableAfterThePeerWrites() throws IOException {
        poll.registry().register(Source.of(client), 11, Interests.READABLE);
        assertEquals(0, poll.poll(events, Duration.ZERO));
        send(server, "hi");
        assertEquals(1, poll.poll(events, WAIT));
        assertEquals(11, events.token(0));
        assertTrue(events.isReadable(0));
        assertEquals(false, events.isReadClosed(0));
    }

    @Test
    void connectedSocketIsWritableAtOnce() throws IOException {
        poll.registry().register(Source.of(client), -7, Interests.WRITABLE);
        assertEquals(1, poll.poll(events, WAIT));
        assertEquals(-7, events.token(0));
        assertTrue(events.isWritable(0));
    }

    @Test
    void oneshotReportsOnceUntilReregisterAndLevelEveryTime() throws IOException {
        send(server, "x");
        poll.registry().register(Source.of(client), 1, Interests.READABLE);
        assertEquals(1, poll.poll(events, WAIT));
        assertEquals(0, poll.poll(events, Duration.ofMillis(50)));
        poll.registry().reregister(Source.of(client), 2, Interests.READABLE.level());
        assertEquals(1, poll.poll(events, WAIT));
        assertEquals(2, events.token(0));
        assertEquals(1, poll.poll(events, WAIT));
        assertEquals(2, events.token(0));
    }

    @Test
    void peerCloseIsReadableAndReadClosed() throws IOException {
        poll.registry().register(Source.of(client), 3, Interests.READABLE);
        server.close();
        assertEquals(1, poll.poll(events, WAIT));
        assertTrue(events.isReadable(0));
        assertTrue(events.isReadClosed(0));
    }

    @Test
    void listenerIsReadableWhenAConnectionWaits() throws IOException {
        poll.registry().register(Source.of(listener), 4, Interests.READABLE);
        try (SocketChannel second = SocketChannel.open(listener.getLocalAddress())) {
            assertEquals(1, poll.poll(events, WAIT));
            assertEquals(4, events.token(0));
            try (SocketChannel accepted = listener.accept()) {
                assertTrue(accepted != null);
            }
        }
    }

    @Test
    void deregisteredSocketReportsNothing() throws IOException {
        poll.registry().register(Source.of(client), 5, Interests.READABLE);
        poll.registry().deregister(Source.of(client));
        send(server, "late");
        assertEquals(0, poll.poll(events, Duration.ofMillis(100)));
    }

    @Test
    void wakerAndCloseEndABlockingPoll() throws Exception {
        Waker waker = poll.waker(Long.MAX_VALUE);
        CompletableFuture.runAsync(waker::wake);
        assertEquals(1, poll.poll(events, null));
        assertEquals(Long.MAX_VALUE, events.token(0));

        CompletableFuture<Integer> blocked = CompletableFuture.supplyAsync(() -> {
            try {
                return poll.poll(new Events(4), null);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        poll.close();
        assertEquals(0, blocked.get(5, TimeUnit.SECONDS));
    }

    @Test
    void aTimerExpiresNeverEarlyAndAPeriodicOneCountsWhatWasMissed() throws Exception {
        io.jpoll.Timer once = poll.timer(21);
        long start = System.nanoTime();
        once.set(Duration.ofMillis(30));
        assertEquals(1, poll.poll(events, WAIT));
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(30), "early");
        assertEquals(21, events.token(0));
        assertTrue(events.isReadable(0));
        assertEquals(1, events.expirations(0));

        io.jpoll.Timer tick = poll.timer(22);
        tick.set(Duration.ofMillis(5), Duration.ofMillis(5));
        // Not polled for 100 ms: about 20 expiries merge into one event.
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
        while (System.nanoTime() < until) {
            Thread.onSpinWait();
        }
        assertEquals(1, poll.poll(events, WAIT));
        assertEquals(22, events.token(0));
        assertTrue(events.expirations(0) >= 19, "expirations " + events.expirations(0));
        tick.cancel();
        assertEquals(0, poll.poll(events, Duration.ofMillis(50)));
    }

    @Test
    void aChildsExitIsAnEventAndAReapedChildIsReportedAtOnce() throws Exception {
        Process child = new ProcessBuilder("cmd.exe", "/c", "ping -n 2 127.0.0.1 >NUL").start();
        poll.registry().register(Source.process(child.toHandle()), 31, Interests.READABLE);
        assertEquals(1, poll.poll(events, Duration.ofSeconds(20)));
        assertEquals(31, events.token(0));
        assertTrue(!child.isAlive());

        Process quick = new ProcessBuilder("cmd.exe", "/c", "exit 3").start();
        assertEquals(3, quick.waitFor());
        poll.registry().register(Source.process(quick.toHandle()), 32, Interests.READABLE);
        assertEquals(1, poll.poll(events, WAIT));
        assertEquals(32, events.token(0));
        poll.registry().deregister(Source.process(quick.toHandle()));
    }

    @Test
    void thereIsNoDescriptorToNest() throws IOException {
        assertTrue(poll.descriptor().isEmpty());
    }

    @Test
    void edgeIsRefusedAndAnythingButASocketIsANativeException() {
        UnsupportedOperationException u = assertThrows(UnsupportedOperationException.class,
                () -> poll.registry().register(Source.of(client), 6, Interests.READABLE.edge()));
        assertTrue(u.getMessage().contains("use ONESHOT and reregister after draining, or LEVEL"), u.getMessage());
        NativeException e = assertThrows(NativeException.class,
                () -> poll.registry().register(Source.socket(0x7FFF0004L), 6, Interests.READABLE));
        assertEquals("WSAENOTSOCK", e.errorName(), e.getMessage());
    }
}
