package io.jpoll.examples;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Clients that misbehave the ways real ones do. Every blocking read is bounded by the socket's
 * timeout, so a server that never answers fails the test instead of hanging it.
 */
final class Peer {
    /** The most a peer that never reads may send: far beyond every socket buffer on the way. */
    private static final long FLOOD_LIMIT = 64L << 20;
    /** How long a flood waits for the connection to take more before it calls it stalled. */
    private static final long STALL_MILLIS = 250;

    private Peer() {
    }

    static Socket connect(InetSocketAddress server) throws IOException {
        Socket s = new Socket();
        s.connect(server, (int) Await.PATIENCE.toMillis());
        s.setSoTimeout((int) Await.PATIENCE.toMillis());
        return s;
    }

    /**
     * Sends {@code request}, waits until the server's reply sits unread in this socket, then closes
     * with SO_LINGER 0: the kernel resets the connection, as it does for every connection wrk drops
     * at the end of a run.
     */
    static void resetWithReplyUnread(InetSocketAddress server, byte[] request) throws IOException {
        try (Socket s = connect(server)) {
            s.getOutputStream().write(request);
            Await.until("the server's reply to arrive", () -> available(s) > 0);
            s.setSoLinger(true, 0);
        }
    }

    /** Sends {@code request} and resets the connection at once, before the server can answer. */
    static void resetWithRequestUnanswered(InetSocketAddress server, byte[] request) throws IOException {
        try (Socket s = connect(server)) {
            s.getOutputStream().write(request);
            s.setSoLinger(true, 0);
        }
    }

    /**
     * Sends {@code request} and shuts its output down (a half-close: "I have said everything")
     * before it reads anything, then reads until the server closes. {@code request} must fit in the
     * socket buffers between the two, or the write cannot finish.
     */
    static byte[] sendAllThenHalfClose(InetSocketAddress server, byte[] request) throws IOException {
        try (Socket s = connect(server)) {
            s.getOutputStream().write(request);
            s.shutdownOutput();
            return s.getInputStream().readAllBytes();
        }
    }

    /**
     * Sends {@code request} from another thread and half-closes when it is sent, while this
     * thread reads until the server closes; for requests larger than the socket buffers.
     */
    static byte[] streamThenHalfClose(InetSocketAddress server, byte[] request) throws Exception {
        try (Socket s = connect(server)) {
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    s.getOutputStream().write(request);
                    s.shutdownOutput();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            byte[] reply = s.getInputStream().readAllBytes();
            writer.get(Await.PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
            return reply;
        }
    }

    /**
     * Sends {@code bytes} and reads until the server ends the connection, by a close or a reset;
     * returns what the server said before. A server that keeps the connection open fails the
     * read's timeout.
     */
    static byte[] sendUntilDropped(InetSocketAddress server, byte[] bytes) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        try (Socket s = connect(server)) {
            try {
                s.getOutputStream().write(bytes);
            } catch (SocketException dropped) {
                return got.toByteArray(); // it closed before it read everything: the end we wait for
            }
            InputStream in = s.getInputStream();
            byte[] buffer = new byte[4096];
            try {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    got.write(buffer, 0, n);
                }
            } catch (SocketException reset) {
                // closed with our bytes unread, so the kernel reset: an end as well
            }
        }
        return got.toByteArray();
    }

    /**
     * Sends {@code unit} over and over and never reads a reply, until the connection stops
     * taking bytes; then vanishes with the replies unread, which resets the connection while
     * the server still has replies to write. A server that kept reading from a peer that never
     * reads would buffer without bound: that fails here. Returns how many bytes were sent.
     */
    static long floodWithoutReading(InetSocketAddress server, byte[] unit) throws IOException {
        ByteBuffer units = ByteBuffer.allocate(unit.length * Math.max(1, (64 * 1024) / unit.length));
        while (units.remaining() >= unit.length) {
            units.put(unit);
        }
        units.flip();
        long sent = 0;
        try (SocketChannel channel = SocketChannel.open(server); Selector selector = Selector.open()) {
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_WRITE);
            while (true) {
                if (!units.hasRemaining()) {
                    units.rewind();
                }
                int n = channel.write(units);
                sent += n;
                assertTrue(sent < FLOOD_LIMIT, "the server took " + sent + " bytes from a peer that reads"
                        + " nothing: it keeps reading instead of pushing back");
                if (n == 0) {
                    if (selector.select(STALL_MILLIS) == 0) {
                        return sent; // the server stopped reading from us
                    }
                    selector.selectedKeys().clear();
                }
            }
        } catch (IOException dropped) {
            return sent; // the server dropped us mid-flood: also an end
        }
    }

    static byte[] repeat(byte[] unit, int times) {
        byte[] all = new byte[unit.length * times];
        for (int i = 0; i < times; i++) {
            System.arraycopy(unit, 0, all, i * unit.length, unit.length);
        }
        return all;
    }

    /** Deterministic noise of {@code length} bytes, none of them '\r' or '\n'. */
    static byte[] garbage(int length, long seed) {
        byte[] b = new byte[length];
        new java.util.Random(seed).nextBytes(b);
        for (int i = 0; i < b.length; i++) {
            if (b[i] == '\r' || b[i] == '\n') {
                b[i] = 'x';
            }
        }
        return b;
    }

    static String show(byte[] bytes) {
        return bytes.length > 200 ? bytes.length + " bytes: " + Arrays.toString(Arrays.copyOf(bytes, 40)) + "..."
                : new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    private static int available(Socket s) {
        try {
            return s.getInputStream().available();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
