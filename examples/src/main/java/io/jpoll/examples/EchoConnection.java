package io.jpoll.examples;

import io.jpoll.Source;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * One connection of an echo server: what its peer sent and has not yet got back.
 *
 * <p>It reads only once everything it read before is written. So a peer that does not read its
 * echo soon stops being read itself (backpressure: its own writes block), and a connection never
 * holds more than one 64 KiB buffer, whatever its peer does.
 */
final class EchoConnection {
    final SocketChannel channel;
    final Source source;
    /** Read and not yet echoed; in fill mode. */
    private final ByteBuffer pending = ByteBuffer.allocate(64 * 1024);
    /** The peer half-closed: echo what is left, then close. */
    private boolean peerDone;

    EchoConnection(SocketChannel channel) {
        this.channel = channel;
        this.source = Source.of(channel);
    }

    /**
     * Echoes until the socket would block, on reading or on writing: the draining that edge
     * triggering requires, and with ONESHOT the answer to what to re-arm for.
     *
     * @return {@link Next#READ} when there is nothing more to read, {@link Next#WRITE} when the
     *         peer is not taking the echo, {@link Next#CLOSE} when the peer is done and has it all
     * @throws IOException if the peer reset the connection or vanished: the connection's end
     */
    Next pump() throws IOException {
        while (true) {
            if (pending.position() > 0) {
                pending.flip();
                channel.write(pending);
                pending.compact();
                if (pending.position() > 0) {
                    return Next.WRITE;
                }
            }
            if (peerDone) {
                return Next.CLOSE;
            }
            int n = channel.read(pending); // pending is empty here, so 0 means "would block"
            if (n == 0) {
                return Next.READ;
            }
            peerDone = n < 0;
        }
    }
}
