package io.jpoll.it;

import io.jpoll.Event;
import io.jpoll.Interests;
import io.jpoll.Source;
import io.jpoll.Trigger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.IllegalBlockingModeException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static io.jpoll.it.Expect.readClosed;
import static io.jpoll.it.Expect.readable;
import static io.jpoll.it.Expect.writable;
import static io.jpoll.it.Expect.writableOrError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** TCP listeners and streams over loopback. */
class TcpTest extends PollFixture {
    private static final long CLIENT = 0xC11E_0000_0000_0001L;
    private static final long SERVER = 0x5E4E_0000_0000_0002L;
    private static final long LISTENER = -0x1157_0000_0000_0003L;

    @Test
    @DisplayName("13. connecting stream (EDGE): the first event is writable, and it is not repeated")
    void writableOnceAfterConnect() throws Exception {
        assumeTrue(poll.supports(Trigger.EDGE), "the backend offers EDGE");
        ServerSocketChannel listener = listener();
        SocketChannel client = connecting(listener.getLocalAddress());
        registry.register(Source.of(client), CLIENT, Interests.READABLE.add(Interests.WRITABLE).edge());

        List<Event> seen = expect(writable(CLIENT));
        assertTrue(seen.get(0).isWritable(), () -> "the first event: " + seen);
        assertTrue(client.finishConnect());
        expectNoEvents();
        expectNoEvents();
    }

    @Test
    @DisplayName("15. listener EDGE: readable; accept, accept -> would block; a second client -> readable again")
    void listenerEdge() throws Exception {
        assumeTrue(poll.supports(Trigger.EDGE), "the backend offers EDGE");
        ServerSocketChannel listener = listener();
        registry.register(Source.of(listener), LISTENER, Interests.READABLE.edge());
        expectNoEvents();

        connectedClient(listener.getLocalAddress());
        expect(readable(LISTENER));
        assertNotNull(closeLater(listener.accept()), "the first connection");
        assertNull(listener.accept(), "a second accept would block");
        expectNoEvents();

        connectedClient(listener.getLocalAddress());
        expect(readable(LISTENER));
        assertNotNull(closeLater(listener.accept()), "the second connection");
        assertNull(listener.accept());
    }

    @Test
    @DisplayName("16. connecting stream + echo server: writable, write, readable, the exact bytes back")
    void echo() throws Exception {
        EchoServer server = closeLater(EchoServer.tcp());
        byte[] payload = "hello jpoll \u0000\u00ff end".getBytes(StandardCharsets.ISO_8859_1);
        byte[] echoed = echoRoundTrip(StandardProtocolFamily.INET, server.address(), CLIENT, payload);
        assertArrayEquals(payload, echoed);
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    @DisplayName("16. one MiB through the echo server, driven only by ONESHOT events (partial reads and writes)")
    void echoOneMebibyte() throws Exception {
        EchoServer server = closeLater(EchoServer.tcp());
        byte[] payload = new byte[1 << 20];
        new Random(42).nextBytes(payload);
        ByteBuffer out = ByteBuffer.wrap(payload);
        ByteBuffer in = ByteBuffer.allocate(payload.length);

        SocketChannel client = connecting(server.address());
        Source source = Source.of(client);
        Interests both = Interests.READABLE.add(Interests.WRITABLE);
        registry.register(source, CLIENT, both);
        boolean connected = false;
        int idlePolls = 0;
        while (in.hasRemaining()) {
            if (poll.poll(events, Await.ROUND) == 0) {
                assertTrue(++idlePolls < 6, "stalled: wrote " + out.position() + ", read " + in.position());
                continue;
            }
            idlePolls = 0;
            for (Event e : events) {
                assertEquals(CLIENT, e.token(), e::toString);
            }
            if (!connected) {
                connected = client.finishConnect();
            }
            if (connected) {
                while (out.hasRemaining() && client.write(out) > 0) {
                    // write until the socket would block
                }
                int n;
                while ((n = client.read(in)) > 0) {
                    // read until the socket would block
                }
                assertNotEquals(-1, n, "the echo server closed early");
            }
            registry.reregister(source, CLIENT, out.hasRemaining() ? both : Interests.READABLE);
        }
        assertArrayEquals(payload, in.array());
    }

    @Test
    @DisplayName("17. accepted channels are sources like any; Source.of a blocking channel fails")
    void acceptedChannels() throws Exception {
        ServerSocketChannel listener = listener();
        SocketChannel client = connectedClient(listener.getLocalAddress());
        registry.register(Source.of(listener), LISTENER, Interests.READABLE);
        expect(readable(LISTENER));

        SocketChannel accepted = closeLater(listener.accept());
        assertNotNull(accepted);
        assertTrue(accepted.isBlocking(), "the JDK hands out accepted channels in blocking mode");
        IllegalBlockingModeException blocking = assertThrows(IllegalBlockingModeException.class, () -> Source.of(accepted));
        assertNotNull(blocking.getMessage());
        assertTrue(blocking.getMessage().contains("blocking"), blocking.getMessage());

        accepted.configureBlocking(false);
        Source server = Source.of(accepted);
        registry.register(server, SERVER, Interests.READABLE.add(Interests.WRITABLE));
        expect(writable(SERVER));

        send(client, "ping");
        registry.reregister(server, SERVER, Interests.READABLE);
        expect(readable(SERVER));
        assertEquals("ping", ascii(drain(accepted)));

        send(accepted, "pong");
        registry.register(Source.of(client), CLIENT, Interests.READABLE);
        expect(readable(CLIENT));
        assertEquals("pong", ascii(drain(client)));
    }

    @Test
    @DisplayName("18. connect to a closed port: a writable or error event, and finishConnect throws")
    void connectRefused() throws Exception {
        InetSocketAddress closed;
        try (ServerSocketChannel probe = ServerSocketChannel.open()) {
            probe.bind(new InetSocketAddress(LOOPBACK, 0));
            closed = (InetSocketAddress) probe.getLocalAddress();
        }
        SocketChannel client = closeLater(SocketChannel.open());
        client.configureBlocking(false);
        boolean connected;
        try {
            connected = client.connect(closed);
        } catch (ConnectException refusedAtOnce) {
            Assumptions.abort("the OS refused before connect returned; nothing left to poll for");
            return;
        }
        assertFalse(connected, "connected to a port nobody listens on");
        registry.register(Source.of(client), CLIENT, Interests.READABLE.add(Interests.WRITABLE));
        // Windows retries a refused SYN for about two seconds before it gives up.
        Await.events(poll, events, 10, writableOrError(CLIENT));
        ConnectException refused = assertThrows(ConnectException.class, client::finishConnect);
        assertNotNull(refused.getMessage());
    }

    @Test
    @DisplayName("19. an open connection: writable and readable events carry no closed or error flag")
    void noFalseClosedHints() throws Exception {
        StreamPair pair = tcpPair();
        Source source = Source.of(pair.server());
        registry.register(source, SERVER, Interests.READABLE.add(Interests.WRITABLE));
        assertNoClosedOrErrorFlags(expect(writable(SERVER)));

        send(pair.client(), "x");
        registry.reregister(source, SERVER, Interests.READABLE);
        assertNoClosedOrErrorFlags(expect(readable(SERVER)));
        assertEquals("x", ascii(drain(pair.server())));
    }

    @Test
    @DisabledOnOs(value = OS.WINDOWS, disabledReason = "Windows (AFD) does not report a local SD_RECEIVE; mio documents the same")
    @DisplayName("19. local shutdownInput -> read-closed")
    void localShutdownInputIsReadClosed() throws Exception {
        StreamPair pair = tcpPair();
        registry.register(Source.of(pair.server()), SERVER, Interests.READABLE);
        expectNoEvents();
        pair.server().shutdownInput();
        expect(readClosed(SERVER));
        assertEquals(-1, pair.server().read(ByteBuffer.allocate(8)));
    }

    @Test
    @DisplayName("19. peer close -> read-closed (and readable: read returns end of stream)")
    void peerCloseIsReadClosed() throws Exception {
        StreamPair pair = tcpPair();
        registry.register(Source.of(pair.server()), SERVER, Interests.READABLE);
        expectNoEvents();
        pair.client().close();
        List<Event> seen = expect(readClosed(SERVER), readable(SERVER));
        assertEquals(-1, pair.server().read(ByteBuffer.allocate(8)), () -> "after " + seen);
    }

    @Test
    @DisplayName("19. peer shutdownOutput -> read-closed here, while this side can still write to it")
    void halfClose() throws Exception {
        StreamPair pair = tcpPair();
        registry.register(Source.of(pair.server()), SERVER, Interests.READABLE);
        pair.client().shutdownOutput();
        expect(readClosed(SERVER));
        assertEquals(-1, pair.server().read(ByteBuffer.allocate(8)));

        send(pair.server(), "still open");
        registry.register(Source.of(pair.client()), CLIENT, Interests.READABLE);
        List<Event> seen = expect(readable(CLIENT));
        assertTrue(seen.stream().noneMatch(e -> e.token() == CLIENT && e.isReadClosed()),
                () -> "the client's read side is open: " + seen);
        assertEquals("still open", ascii(drain(pair.client())));
    }

    @Test
    @EnabledOnOs(value = OS.LINUX, disabledReason = "priority is a hint; kqueue has no out-of-band filter")
    @DisplayName("PRIORITY: TCP urgent data -> a priority event; ordinary data does not raise it")
    void urgentDataIsPriority() throws Exception {
        assumeTrue(poll.backend().equals("epoll"), "priority is a hint; kqueue (here libkqueue) has no out-of-band filter");
        StreamPair pair = tcpPair();
        Source source = Source.of(pair.server());
        registry.register(source, SERVER, Interests.PRIORITY.level());
        send(pair.client(), "plain");
        expectNoEvents();
        pair.client().socket().sendUrgentData(0x55);
        List<Event> seen = expect(Expect.priority(SERVER));
        assertTrue(seen.stream().allMatch(e -> e.token() == SERVER), seen::toString);
    }

    private static void assertNoClosedOrErrorFlags(List<Event> seen) {
        for (Event e : seen) {
            assertFalse(e.isReadClosed() || e.isWriteClosed() || e.isError(), () -> "open connection, yet: " + seen);
        }
    }

    @Test
    @DisplayName("a stream with nothing to read and a full poll timeout stays quiet")
    void idleStreamIsQuiet() throws Exception {
        StreamPair pair = tcpPair();
        registry.register(Source.of(pair.server()), SERVER, Interests.READABLE.level());
        assertEquals(0, poll.poll(events, Duration.ofMillis(100)), () -> events.toString());
    }
}
