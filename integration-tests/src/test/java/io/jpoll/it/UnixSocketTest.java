package io.jpoll.it;

import io.jpoll.Event;
import io.jpoll.Interests;
import io.jpoll.Source;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static io.jpoll.it.Expect.readClosed;
import static io.jpoll.it.Expect.readable;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Unix domain stream sockets (JDK 16+, also on Windows 10 and later). The socket files live in a
 * JUnit temp directory, whose path is short enough for sun_path.
 */
class UnixSocketTest extends PollFixture {
    private static final long CLIENT = 0x0D5C_0000_0000_0020L;
    private static final long SERVER = 0x0D5C_0000_0000_0021L;

    @TempDir
    Path dir;

    @Test
    @DisplayName("20. Unix domain SocketChannel + echo server: writable, write, readable, the exact bytes back")
    void echo() throws Exception {
        EchoServer server = closeLater(EchoServer.unix(dir));
        byte[] payload = "hello over AF_UNIX".getBytes(StandardCharsets.US_ASCII);
        byte[] echoed = echoRoundTrip(StandardProtocolFamily.UNIX, server.address(), CLIENT, payload);
        assertArrayEquals(payload, echoed);
    }

    @Test
    @DisplayName("20. accepted Unix domain sockets: readable with data, read-closed when the peer closes")
    void acceptedPair() throws Exception {
        ServerSocketChannel listener = closeLater(ServerSocketChannel.open(StandardProtocolFamily.UNIX));
        listener.bind(UnixDomainSocketAddress.of(dir.resolve("pair.sock")));
        SocketChannel client = closeLater(SocketChannel.open(listener.getLocalAddress()));
        SocketChannel server = closeLater(listener.accept());
        assertNotNull(server);
        server.configureBlocking(false);
        client.configureBlocking(false);

        Source source = Source.of(server);
        registry.register(source, SERVER, Interests.READABLE);
        expectNoEvents();
        send(client, "over the socket file");
        expect(readable(SERVER));
        assertEquals("over the socket file", ascii(drain(server)));

        registry.reregister(source, SERVER, Interests.READABLE);
        client.close();
        List<Event> seen = expect(readClosed(SERVER));
        assertEquals(-1, server.read(ByteBuffer.allocate(4)), () -> "after " + seen);
    }
}
