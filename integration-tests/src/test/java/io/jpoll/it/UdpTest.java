package io.jpoll.it;

import io.jpoll.Interests;
import io.jpoll.Source;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;

import static io.jpoll.it.Expect.readable;
import static io.jpoll.it.Expect.writable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** UDP sockets over loopback. */
class UdpTest extends PollFixture {
    private static final long A = 0xA000_0000_0000_000AL;
    private static final long B = 0xB000_0000_0000_000BL;

    @Test
    @DisplayName("14. UDP pair: both writable; after send_to both readable, exact datagrams from the right senders")
    void pair() throws Exception {
        DatagramChannel a = udp();
        DatagramChannel b = udp();
        Source sa = Source.of(a);
        Source sb = Source.of(b);
        Interests both = Interests.READABLE.add(Interests.WRITABLE);
        registry.register(sa, A, both);
        registry.register(sb, B, both);
        expect(writable(A), writable(B));

        registry.reregister(sa, A, Interests.READABLE);
        registry.reregister(sb, B, Interests.READABLE);
        expectNoEvents();

        assertEquals(6, a.send(ascii("from a"), b.getLocalAddress()));
        assertEquals(6, b.send(ascii("from b"), a.getLocalAddress()));
        expect(readable(A), readable(B));

        assertDatagram(b, "from a", a.getLocalAddress());
        assertDatagram(a, "from b", b.getLocalAddress());
        assertNull(a.receive(ByteBuffer.allocate(16)), "one datagram each");
        assertNull(b.receive(ByteBuffer.allocate(16)), "one datagram each");
    }

    @Test
    @DisplayName("14. an empty datagram -> readable, and a 0-byte receive from the sender")
    void emptyDatagram() throws Exception {
        DatagramChannel a = udp();
        DatagramChannel b = udp();
        Source sb = Source.of(b);
        registry.register(sb, B, Interests.READABLE);
        expectNoEvents();

        assertEquals(0, a.send(ByteBuffer.allocate(0), b.getLocalAddress()));
        expect(readable(B));
        assertDatagram(b, "", a.getLocalAddress());
        assertNull(b.receive(ByteBuffer.allocate(16)));

        registry.reregister(sb, B, Interests.READABLE);
        expectNoEvents();
    }

    @Test
    @DisplayName("connected UDP sockets: write and read report like send_to and receive")
    void connectedPair() throws Exception {
        DatagramChannel a = udp();
        DatagramChannel b = udp();
        a.connect(b.getLocalAddress());
        b.connect(a.getLocalAddress());
        registry.register(Source.of(b), B, Interests.READABLE);
        send(a, "connected");
        expect(readable(B));
        assertEquals("connected", ascii(drain(b)));
    }

    private static void assertDatagram(DatagramChannel to, String content, SocketAddress from) throws Exception {
        ByteBuffer buffer = ByteBuffer.allocate(64);
        SocketAddress sender = to.receive(buffer);
        assertEquals(from, sender, "the sender");
        assertEquals(content, new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII));
    }
}
