package io.jpoll.bench.echo;

import io.jpoll.bench.Closer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The one load generator every echo server faces: {@code connections} TCP connections driven by
 * one thread with a JDK Selector. Each connection is a closed loop: send a message, wait until
 * all of it has come back, send the next. So there is always exactly one message in flight per
 * connection.
 */
final class LoadGenerator implements AutoCloseable {
    private static final long STALL_MILLIS = 10_000;

    private final Selector selector;
    private final Client[] clients;
    private final int size;
    private final ByteBuffer scratch;
    private int completed;
    private IOException failure;
    private final Consumer<SelectionKey> onReady = this::onReady;

    private LoadGenerator(Selector selector, int connections, int size) {
        this.selector = selector;
        this.clients = new Client[connections];
        this.size = size;
        this.scratch = ByteBuffer.allocateDirect(Math.max(size, Connection.BUFFER));
    }

    static LoadGenerator connect(InetSocketAddress server, int connections, int size) throws IOException {
        LoadGenerator load = new LoadGenerator(Selector.open(), connections, size);
        try {
            byte[] message = pattern(size);
            for (int i = 0; i < connections; i++) {
                SocketChannel ch = SocketChannel.open(server);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                ch.configureBlocking(false);
                Client c = new Client(i, ch, message);
                load.clients[i] = c;
                ch.register(load.selector, SelectionKey.OP_READ, c);
            }
            load.verifyEcho(message);
        } catch (IOException | RuntimeException e) {
            load.close();
            throw e;
        }
        return load;
    }

    /**
     * One message on every connection and the exact bytes back, before anything is timed: a
     * server that corrupts, drops or merges data fails here.
     */
    private void verifyEcho(byte[] message) throws IOException {
        ByteBuffer[] back = new ByteBuffer[clients.length];
        for (int i = 0; i < clients.length; i++) {
            back[i] = ByteBuffer.allocate(size);
            clients[i].send();
        }
        long deadline = System.currentTimeMillis() + STALL_MILLIS;
        int done = 0;
        while (done < clients.length) {
            if (System.currentTimeMillis() > deadline) {
                throw new IOException("echo check: " + done + " of " + clients.length
                        + " connections got their " + size + "-byte message back within " + STALL_MILLIS + " ms");
            }
            selector.select(100);
            for (SelectionKey key : selector.selectedKeys()) {
                Client c = (Client) key.attachment();
                int i = c.index;
                if (c.channel.read(back[i]) < 0) {
                    throw new IOException("echo check: the server closed connection " + i);
                }
                if (!back[i].hasRemaining()) {
                    done++;
                    if (!Arrays.equals(back[i].array(), message)) {
                        throw new IOException("echo check: connection " + i + " got different bytes back");
                    }
                }
            }
            selector.selectedKeys().clear();
        }
    }

    /** Puts one message in flight on every connection. */
    void start() throws IOException {
        for (Client c : clients) {
            c.send();
        }
    }

    /** Runs the closed loops until {@code messages} more echoes have come back in full. */
    void complete(int messages) throws IOException {
        int target = completed + messages;
        while (completed < target) {
            if (selector.select(onReady, STALL_MILLIS) == 0) {
                throw new IOException("load generator: no echo for " + STALL_MILLIS + " ms ("
                        + (target - completed) + " of " + messages + " messages missing)");
            }
            if (failure != null) {
                throw failure;
            }
        }
    }

    private void onReady(SelectionKey key) {
        Client c = (Client) key.attachment();
        try {
            scratch.clear();
            int n = c.channel.read(scratch);
            if (n < 0) {
                throw new IOException("load generator: the server closed a connection");
            }
            c.pending -= n;
            if (c.pending <= 0) {
                if (c.pending < 0) {
                    throw new IOException("load generator: got " + (-c.pending) + " bytes more than were sent");
                }
                completed++;
                c.send();
            }
        } catch (IOException e) {
            // select(Consumer) cannot throw checked exceptions; complete() rethrows it.
            failure = e;
        }
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        for (Client c : clients) {
            first = Closer.close(c == null ? null : c.channel, first);
        }
        first = Closer.close(selector, first);
        if (first != null) {
            throw first;
        }
    }

    static byte[] pattern(int size) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) (i * 31 + 7);
        }
        return b;
    }

    /** One connection and the message it sends; {@code pending} counts echo bytes still due. */
    private static final class Client {
        final int index;
        final SocketChannel channel;
        final ByteBuffer message;
        int pending;

        Client(int index, SocketChannel channel, byte[] bytes) {
            this.index = index;
            this.channel = channel;
            this.message = ByteBuffer.allocateDirect(bytes.length);
            this.message.put(bytes).flip();
        }

        /** Writes the whole message; a full send buffer on loopback drains fast, so spin on it. */
        void send() throws IOException {
            message.clear();
            while (message.hasRemaining()) {
                if (channel.write(message) == 0) {
                    Thread.onSpinWait();
                }
            }
            pending = message.capacity();
        }
    }
}
