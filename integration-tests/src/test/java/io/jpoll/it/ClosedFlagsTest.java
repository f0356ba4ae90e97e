package io.jpoll.it;

import io.jpoll.Event;
import io.jpoll.Interests;
import io.jpoll.Source;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.Pipe;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The closed flags never claim a closing that did not happen, and hang-ups and errors are always
 * reported as readiness in a requested direction. Each case asserts what the contract guarantees
 * on every backend, and on epoll the exact flags, which follow from the kernel's bits as
 * documented in the epoll backend's flag translation.
 */
class ClosedFlagsTest extends PollFixture {
    private static final long TOKEN = 0x0C10_5ED0_0000_0001L;
    private static final Interests BOTH = Interests.READABLE.add(Interests.WRITABLE);

    @Test
    @DisplayName("an unconnected TCP socket: writable as asked, no closed flag (nothing was ever open)")
    void unconnectedSocket() throws Exception {
        SocketChannel socket = closeLater(SocketChannel.open());
        socket.configureBlocking(false);
        registry.register(Source.of(socket), TOKEN, BOTH);
        Event e = hangUpEvent(TOKEN);
        if (e != null) {
            assertTrue(e.isWritable() || e.isReadable(), e::toString);
            assertNoClosedFlags(e);
        }
        onEpoll(e, "WRITABLE");
        assertThrows(NotYetConnectedException.class, () -> socket.write(ByteBuffer.allocate(1)));
    }

    @Test
    @DisplayName("an unconnected TCP socket asked for readable: readable (a read fails at once), no closed flag")
    void unconnectedSocketReadable() throws Exception {
        SocketChannel socket = closeLater(SocketChannel.open());
        socket.configureBlocking(false);
        registry.register(Source.of(socket), TOKEN, Interests.READABLE);
        Event e = hangUpEvent(TOKEN);
        if (e != null) {
            assertTrue(e.isReadable(), e::toString);
            assertNoClosedFlags(e);
        }
        onEpoll(e, "READABLE");
        assertThrows(NotYetConnectedException.class, () -> socket.read(ByteBuffer.allocate(1)));
    }

    @Test
    @DisplayName("an unbound ServerSocketChannel: readable as asked (accept fails at once), no closed flag")
    void unboundListener() throws Exception {
        ServerSocketChannel listener = closeLater(ServerSocketChannel.open());
        listener.configureBlocking(false);
        registry.register(Source.of(listener), TOKEN, Interests.READABLE);
        Event e = hangUpEvent(TOKEN);
        if (e != null) {
            assertTrue(e.isReadable(), e::toString);
            assertNoClosedFlags(e);
        }
        onEpoll(e, "READABLE");
    }

    @Test
    @DisplayName("connected UDP after an ICMP port unreachable: error, readable, no write-closed; the socket goes on sending")
    void udpPortUnreachable() throws Exception {
        DatagramChannel udp = udp();
        udp.connect(closedUdpPort());
        Source source = Source.of(udp);
        registry.register(source, TOKEN, Interests.READABLE);
        send(udp, "to nobody");
        // The only event can be the ICMP error: nothing will ever be there to read.
        Event readOnly = awaitEvent(TOKEN);
        assertTrue(readOnly.isReadable(), readOnly::toString);
        assertNoClosedFlags(readOnly);
        // epoll cannot tell this record (ERR alone) from a full pipe's writer whose reader left,
        // so it reports both directions; see EpollFlags.
        onEpoll(readOnly, "READABLE | WRITABLE | ERROR");

        // The error is still pending: asked for both, the socket is writable, not write-closed.
        registry.reregister(source, TOKEN, BOTH);
        Event both = awaitEvent(TOKEN);
        assertTrue(both.isWritable(), both::toString);
        assertNoClosedFlags(both);
        onEpoll(both, "WRITABLE | ERROR");

        // The write side was never closed: the first send collects the error, the next one goes out.
        assertThrows(PortUnreachableException.class, () -> udp.write(ByteBuffer.wrap(new byte[]{1})));
        assertEquals(1, udp.write(ByteBuffer.wrap(new byte[]{2})));
    }

    @Test
    @DisplayName("a pipe's read end whose writer closed: readable, never write-closed, end of stream")
    void pipeReadEnd() throws Exception {
        Pipe pipe = pipe();
        registry.register(Source.of(pipe.source()), TOKEN, Interests.READABLE);
        expectNoEvents();
        pipe.sink().close();
        Event e = awaitEvent(TOKEN);
        assertTrue(e.isReadable(), e::toString);
        assertFalse(e.isWritable(), () -> "a read end is never writable: " + e);
        assertFalse(e.isWriteClosed(), () -> "a read end has no write side: " + e);
        // A pipe's hang-up carries no RDHUP, and epoll's HUP alone also comes from an unconnected
        // socket, so epoll cannot claim read-closed here without false positives.
        onEpoll(e, "READABLE");
        assertEquals(-1, pipe.source().read(ByteBuffer.allocate(4)));
    }

    @Test
    @DisplayName("peer FIN: readable and read-closed; the write side stays open")
    void peerFin() throws Exception {
        StreamPair pair = tcpPair();
        registry.register(Source.of(pair.server()), TOKEN, Interests.READABLE);
        expectNoEvents();
        pair.client().shutdownOutput();
        Event e = awaitEvent(TOKEN);
        assertTrue(e.isReadable(), e::toString);
        assertFalse(e.isWriteClosed(), () -> "this side can still write: " + e);
        onEpoll(e, "READABLE | READ_CLOSED");
        assertEquals(-1, pair.server().read(ByteBuffer.allocate(4)));
        send(pair.server(), "still open");
    }

    @Test
    @DisabledOnOs(value = OS.WINDOWS, disabledReason = "AFD reports a reset as an abort, mapped per the IOCP backend")
    @DisplayName("reset by the peer: readable, error, both sides closed")
    void reset() throws Exception {
        StreamPair pair = tcpPair();
        registry.register(Source.of(pair.server()), TOKEN, Interests.READABLE);
        expectNoEvents();
        pair.client().setOption(StandardSocketOptions.SO_LINGER, 0);
        pair.client().close();
        Event e = awaitEvent(TOKEN);
        assertTrue(e.isReadable(), e::toString);
        onEpoll(e, "READABLE | ERROR | READ_CLOSED | WRITE_CLOSED");
        if (poll.backend().equals("epoll")) {
            // (libkqueue reads SO_ERROR to fill in the event, which clears it: there the read
            // says end of stream instead.)
            IOException reset = assertThrows(IOException.class, () -> pair.server().read(ByteBuffer.allocate(4)));
            assertTrue(String.valueOf(reset.getMessage()).contains("reset"), reset::toString);
        }
    }

    @Test
    @DisplayName("local shutdownOutput, then the peer's FIN: readable, both sides closed")
    void bothSidesShutDown() throws Exception {
        StreamPair pair = tcpPair();
        registry.register(Source.of(pair.server()), TOKEN, Interests.READABLE);
        pair.server().shutdownOutput();
        expectNoEvents();
        pair.client().shutdownOutput();
        Event e = awaitEvent(TOKEN);
        assertTrue(e.isReadable(), e::toString);
        onEpoll(e, "READABLE | READ_CLOSED | WRITE_CLOSED");
        assertEquals(-1, pair.server().read(ByteBuffer.allocate(4)));
    }

    @Test
    @DisplayName("a refused connect: writable (finishConnect throws), error; the kernel shut both sides")
    void refusedConnect() throws Exception {
        SocketChannel client = closeLater(SocketChannel.open());
        client.configureBlocking(false);
        try {
            if (client.connect(closedTcpPort())) {
                fail("connected to a port nobody listens on");
            }
        } catch (ConnectException refusedAtOnce) {
            Assumptions.abort("the OS refused before connect returned; nothing left to poll for");
        }
        registry.register(Source.of(client), TOKEN, Interests.WRITABLE);
        // Windows retries a refused SYN for about two seconds before it gives up.
        Event e = awaitEvent(TOKEN, 10);
        assertTrue(e.isWritable() || e.isError(), e::toString);
        onEpoll(e, "WRITABLE | ERROR | WRITE_CLOSED");
        assertThrows(ConnectException.class, client::finishConnect);
    }

    // ---- helpers ------------------------------------------------------------------------------

    /** The first event for {@code token}, waited for in bounded rounds; other tokens fail the test. */
    private Event awaitEvent(long token) throws IOException {
        return awaitEvent(token, Await.ROUNDS);
    }

    private Event awaitEvent(long token, int rounds) throws IOException {
        List<Event> seen = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            Await.pollOnce(poll, events, Await.ROUND, seen);
            for (Event e : seen) {
                assertEquals(token, e.token(), () -> "an unexpected token: " + seen);
            }
            if (!seen.isEmpty()) {
                assertEquals(1, seen.size(), () -> "one registration, one event: " + seen);
                return seen.get(0);
            }
        }
        return fail("no event for " + token + " after " + rounds + " polls of " + Await.ROUND.toMillis() + " ms");
    }

    /**
     * The event a hang-up of a socket that was never connected produces: on epoll there is one
     * (epoll reports the socket's HUP), which is required; elsewhere the OS may stay silent (a BSD
     * kernel has nothing to report on such a socket), and then this is null.
     */
    private Event hangUpEvent(long token) throws IOException {
        if (poll.backend().equals("epoll")) {
            return awaitEvent(token);
        }
        List<Event> seen = Await.pollOnce(poll, events, Await.ROUND, new ArrayList<>());
        assertTrue(seen.size() <= 1 && seen.stream().allMatch(e -> e.token() == token), seen::toString);
        return seen.isEmpty() ? null : seen.get(0);
    }

    private void assertNoClosedFlags(Event e) {
        if ((e.isReadClosed() || e.isWriteClosed()) && overLibkqueue()) {
            // Not jpoll's and not a kernel's: libkqueue turns epoll's HUP, RDHUP and ERR into
            // EV_EOF (src/linux/read.c, write.c), where xnu and FreeBSD give an unconnected or
            // listening socket, and a UDP socket's ICMP error, no EV_EOF (filt_soread,
            // filt_sowrite). Reported as aborted, with the event, so it is never silent.
            Assumptions.abort("libkqueue flags a closing no BSD kernel reports: " + e);
        }
        assertFalse(e.isReadClosed() || e.isWriteClosed(), () -> "nothing was closed, yet: " + e);
    }

    /** kqueue on Linux runs only over libkqueue, which emulates kqueue with epoll. */
    private boolean overLibkqueue() {
        return poll.backend().equals("kqueue") && System.getProperty("os.name").startsWith("Linux");
    }

    /** On epoll the flags are exact; other backends legitimately add or omit hints. */
    private void onEpoll(Event e, String flags) {
        if (poll.backend().equals("epoll")) {
            assertEquals(flags, flags(e), () -> String.valueOf(e));
        }
    }

    static String flags(Event e) {
        StringJoiner j = new StringJoiner(" | ");
        if (e.isReadable()) j.add("READABLE");
        if (e.isWritable()) j.add("WRITABLE");
        if (e.isError()) j.add("ERROR");
        if (e.isReadClosed()) j.add("READ_CLOSED");
        if (e.isWriteClosed()) j.add("WRITE_CLOSED");
        if (e.isPriority()) j.add("PRIORITY");
        return j.toString();
    }

    private static InetSocketAddress closedUdpPort() throws IOException {
        try (DatagramChannel probe = DatagramChannel.open()) {
            probe.bind(new InetSocketAddress(LOOPBACK, 0));
            return (InetSocketAddress) probe.getLocalAddress();
        }
    }

    private static InetSocketAddress closedTcpPort() throws IOException {
        try (ServerSocketChannel probe = ServerSocketChannel.open()) {
            probe.bind(new InetSocketAddress(LOOPBACK, 0));
            return (InetSocketAddress) probe.getLocalAddress();
        }
    }
}
