package io.jpoll.hardening;

import io.jpoll.Source;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A readable end the model registers and a writable end that makes it ready: a JDK pipe or a
 * loopback TCP connection, both non-blocking, so the tests run on every OS through the public API
 * only. Reads and writes are byte counts; the content does not matter to the model.
 */
final class ReadyPair implements AutoCloseable {
    private final String kind;
    private final SelectableChannel readEnd;
    private final WritableByteChannel writeEnd;
    private final Source source;
    private final ByteBuffer one = ByteBuffer.allocate(1);
    private final ByteBuffer scratch = ByteBuffer.allocate(4096);

    private ReadyPair(String kind, SelectableChannel readEnd, WritableByteChannel writeEnd) throws IOException {
        this.kind = kind;
        this.readEnd = readEnd;
        this.writeEnd = writeEnd;
        readEnd.configureBlocking(false);
        ((SelectableChannel) writeEnd).configureBlocking(false);
        this.source = Source.of(readEnd);
    }

    static ReadyPair pipe() throws IOException {
        Pipe p = Pipe.open();
        return new ReadyPair("pipe", p.source(), p.sink());
    }

    static ReadyPair socket() throws IOException {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            SocketChannel client = SocketChannel.open(server.getLocalAddress());
            SocketChannel accepted = server.accept();
            return new ReadyPair("socket", accepted, client);
        }
    }

    /** Pipes for even indexes, sockets for odd ones. */
    static ReadyPair mixed(int index) throws IOException {
        return index % 2 == 0 ? pipe() : socket();
    }

    Source source() {
        return source;
    }

    /** Writes one byte; false if the write end is full (it never is in these tests' volumes). */
    synchronized boolean writeOne() throws IOException {
        one.clear();
        return writeEnd.write(one) == 1;
    }

    /**
     * Reads until the read would block and returns the bytes read. Synchronized so two pollers that
     * both got an event for this end drain it one after the other, as the OS would serialise them.
     */
    synchronized int drain() throws IOException {
        int total = 0;
        for (;;) {
            scratch.clear();
            int n = ((ReadableByteChannel) readEnd).read(scratch);
            if (n <= 0) {
                if (n < 0) {
                    throw new IOException(this + ": end of stream while the writer is open");
                }
                return total;
            }
            total += n;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            readEnd.close();
        } finally {
            writeEnd.close();
        }
    }

    @Override
    public String toString() {
        return kind + " " + source;
    }
}
