package io.jpoll.bench.echo;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * One server-side connection of the jpoll and Selector echo servers: read what arrived, write it
 * straight back. When the socket will not take it all, the rest waits in the buffer and reading
 * pauses until it is written, so a slow reader cannot make the server buffer without bound.
 */
final class Connection {
    /** Netty's default read allocator grows its buffers to 64 KiB as well. */
    static final int BUFFER = 64 * 1024;

    final SocketChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER);

    Connection(SocketChannel channel) throws IOException {
        this.channel = channel;
        channel.configureBlocking(false);
        // Netty's epoll transport sets TCP_NODELAY on accepted sockets by default; so do these.
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
    }

    /** Echoes what is readable; returns false at end of stream, true when all was written back. */
    Outcome onReadable() throws IOException {
        int n = channel.read(buffer);
        if (n < 0) {
            return Outcome.CLOSED;
        }
        buffer.flip();
        channel.write(buffer);
        if (buffer.hasRemaining()) {
            buffer.compact();
            return Outcome.BACKLOGGED;
        }
        buffer.clear();
        return Outcome.DONE;
    }

    /** Writes the backlog; returns DONE once it is all out. */
    Outcome onWritable() throws IOException {
        buffer.flip();
        channel.write(buffer);
        if (buffer.hasRemaining()) {
            buffer.compact();
            return Outcome.BACKLOGGED;
        }
        buffer.clear();
        return Outcome.DONE;
    }

    enum Outcome {
        /** All read data was written back: wait for reads. */
        DONE,
        /** Some data is still to write: wait for writability, not reads. */
        BACKLOGGED,
        /** The peer closed. */
        CLOSED
    }
}
