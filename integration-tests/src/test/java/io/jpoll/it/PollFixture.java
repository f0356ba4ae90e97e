package io.jpoll.it;

import io.jpoll.Event;
import io.jpoll.Events;
import io.jpoll.Interests;
import io.jpoll.Poll;
import io.jpoll.Registry;
import io.jpoll.Source;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.Pipe;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every test starts from: an open {@link Poll} on the backend {@code Poll.open()} picks, one
 * {@link Events}, factories for JDK channels in the shapes the tests need, and cleanup of all of it.
 * Every test is bounded by a timeout so a missed wake-up fails instead of hanging the build.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
abstract class PollFixture {
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    Poll poll;
    Registry registry;
    Events events;
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();

    @BeforeEach
    final void openPoll() throws IOException {
        poll = Poll.open();
        registry = poll.registry();
        events = new Events(64);
    }

    @AfterEach
    final void closeEverything() throws Exception {
        Exception failure = null;
        poll.close();
        while (!resources.isEmpty()) {
            try {
                resources.pop().close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Closes {@code resource} after the test, after the Poll, in reverse order of creation. */
    final <T extends AutoCloseable> T closeLater(T resource) {
        resources.push(resource);
        return resource;
    }

    final List<Event> expect(Expect... expected) throws IOException {
        return Await.events(poll, events, expected);
    }

    final void expectNoEvents() throws IOException {
        Await.noEvents(poll, events);
    }

    final void expectNoEventsFor(long... tokens) throws IOException {
        Await.noEventsFor(poll, events, tokens);
    }

    // ---- channels -------------------------------------------------------------------------

    /** A non-blocking listener on a free loopback port. */
    final ServerSocketChannel listener() throws IOException {
        ServerSocketChannel listener = closeLater(ServerSocketChannel.open());
        listener.bind(new InetSocketAddress(LOOPBACK, 0));
        listener.configureBlocking(false);
        return listener;
    }

    /** A client whose connect finished (blocking), then switched to non-blocking. */
    final SocketChannel connectedClient(SocketAddress server) throws IOException {
        SocketChannel client = closeLater(SocketChannel.open(server));
        client.configureBlocking(false);
        return client;
    }

    /** A non-blocking client whose connect has started and may or may not have finished. */
    final SocketChannel connecting(SocketAddress server) throws IOException {
        SocketChannel client = closeLater(SocketChannel.open());
        client.configureBlocking(false);
        client.connect(server);
        return client;
    }

    /** Both ends of one loopback TCP connection. */
    record StreamPair(SocketChannel client, SocketChannel server) {
    }

    /** A connected loopback TCP pair, both ends non-blocking, Nagle off so small writes go at once. */
    final StreamPair tcpPair() throws IOException {
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress(LOOPBACK, 0));
            SocketChannel client = closeLater(SocketChannel.open(listener.getLocalAddress()));
            SocketChannel server = closeLater(listener.accept());
            for (SocketChannel end : List.of(client, server)) {
                end.configureBlocking(false);
                end.setOption(StandardSocketOptions.TCP_NODELAY, true);
            }
            return new StreamPair(client, server);
        }
    }

    /** A non-blocking UDP socket bound to a free loopback port. */
    final DatagramChannel udp() throws IOException {
        DatagramChannel udp = closeLater(DatagramChannel.open());
        udp.bind(new InetSocketAddress(LOOPBACK, 0));
        udp.configureBlocking(false);
        return udp;
    }

    /** A pipe with both ends non-blocking. */
    final Pipe pipe() throws IOException {
        Pipe pipe = Pipe.open();
        closeLater(pipe.sink());
        closeLater(pipe.source());
        pipe.source().configureBlocking(false);
        pipe.sink().configureBlocking(false);
        return pipe;
    }

    // ---- bytes ----------------------------------------------------------------------------

    static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    static String ascii(byte[] bytes) {
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    /** Writes all of a small message; on a fresh socket or pipe one write takes it all. */
    static void send(WritableByteChannel to, String message) throws IOException {
        ByteBuffer b = ascii(message);
        int n = to.write(b);
        assertEquals(b.capacity(), n, () -> "a " + b.capacity() + "-byte write to " + to + " went out only in part");
    }

    /**
     * Reads until the channel would block. Returns what was read; end of stream is an assertion
     * failure here (tests that expect it check {@code read() == -1} themselves).
     */
    static byte[] drain(ReadableByteChannel from) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer b = ByteBuffer.allocate(8192);
        int n;
        while ((n = from.read(b)) > 0) {
            out.write(b.array(), 0, b.position());
            b.clear();
        }
        assertNotEquals(-1, n, () -> "unexpected end of stream on " + from + " after " + out.size() + " bytes");
        return out.toByteArray();
    }

    /**
     * Reads what is there, and while fewer than {@code length} bytes came, re-arms the ONESHOT
     * registration and waits for readable again: bytes sent apart may arrive apart.
     */
    final String readOneshot(SocketChannel channel, Source source, long token, int length) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        got.writeBytes(drain(channel));
        while (got.size() < length) {
            registry.reregister(source, token, Interests.READABLE);
            expect(Expect.readable(token));
            got.writeBytes(drain(channel));
        }
        return ascii(got.toByteArray());
    }

    /**
     * The client half of issues 16 and 20: connect without blocking, wait until writable, write
     * {@code payload}, then wait for readable until the echo came back whole.
     */
    final byte[] echoRoundTrip(ProtocolFamily family, SocketAddress echoServer, long token, byte[] payload)
            throws IOException {
        SocketChannel client = closeLater(SocketChannel.open(family));
        client.configureBlocking(false);
        boolean connected = client.connect(echoServer);
        Source source = Source.of(client);
        registry.register(source, token, Interests.WRITABLE);
        expect(Expect.writable(token));
        if (!connected) {
            assertTrue(client.finishConnect(), "finishConnect after the writable event");
        }
        ByteBuffer out = ByteBuffer.wrap(payload);
        assertEquals(payload.length, client.write(out), "a small write to a fresh connection goes out at once");

        ByteArrayOutputStream echoed = new ByteArrayOutputStream();
        while (echoed.size() < payload.length) {
            registry.reregister(source, token, Interests.READABLE);
            expect(Expect.readable(token));
            echoed.writeBytes(drain(client));
        }
        registry.deregister(source);
        return echoed.toByteArray();
    }
}
