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
    void edgeIsRefusedAndAnythingButASocketIsANativeException() {
        UnsupportedOperationException u = assertThrows(UnsupportedOperationException.class,
                () -> poll.registry().register(Source.of(client), 6, Interests.READABLE.edge()));
        assertTrue(u.getMessage().contains("use ONESHOT and reregister after draining, or LEVEL"), u.getMessage());
        NativeException e = assertThrows(NativeException.class,
                () -> poll.registry().register(Source.socket(0x7FFF0004L), 6, Interests.READABLE));
        assertEquals("WSAENOTSOCK", e.errorName(), e.getMessage());
    }
}
