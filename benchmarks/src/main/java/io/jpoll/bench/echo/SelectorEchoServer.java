package io.jpoll.bench.echo;

import io.jpoll.bench.Closer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * The same echo server on a JDK Selector: one thread, the same {@link Connection} logic, keys
 * handled with {@code select(Consumer)} (no selected-key set to iterate and clear).
 */
final class SelectorEchoServer implements EchoServer {
    private final Selector selector;
    private final ServerSocketChannel server;
    private final List<Connection> connections = new ArrayList<>();
    private final EventLoopThread thread;
    private volatile boolean stopping;
    private IOException failure;

    private SelectorEchoServer(Selector selector, ServerSocketChannel server) {
        this.selector = selector;
        this.server = server;
        this.thread = new EventLoopThread("Selector echo server", this::loop);
    }

    static SelectorEchoServer start() throws IOException {
        Selector selector = Selector.open();
        ServerSocketChannel server = ServerSocketChannel.open();
        try {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
            SelectorEchoServer s = new SelectorEchoServer(selector, server);
            s.thread.start();
            return s;
        } catch (IOException | RuntimeException e) {
            server.close();
            selector.close();
            throw e;
        }
    }

    @Override
    public InetSocketAddress address() {
        try {
            return (InetSocketAddress) server.getLocalAddress();
        } catch (IOException e) {
            throw new IllegalStateException("Selector echo server: no local address", e);
        }
    }

    private void loop() throws IOException {
        while (!stopping) {
            selector.select(this::handle);
            if (failure != null) {
                throw failure;
            }
        }
    }

    private void handle(SelectionKey key) {
        try {
            if (key.isAcceptable()) {
                accept();
                return;
            }
            Connection c = (Connection) key.attachment();
            Connection.Outcome outcome = key.isWritable() ? c.onWritable() : c.onReadable();
            switch (outcome) {
                case CLOSED:
                    key.cancel();
                    c.channel.close();
                    break;
                case BACKLOGGED:
                    key.interestOps(SelectionKey.OP_WRITE);
                    break;
                case DONE:
                    if (key.interestOps() != SelectionKey.OP_READ) {
                        key.interestOps(SelectionKey.OP_READ);
                    }
                    break;
                default:
                    throw new IllegalStateException("unknown outcome " + outcome);
            }
        } catch (IOException e) {
            // select(Consumer) cannot pass a checked exception through; the loop rethrows it.
            failure = e;
        }
    }

    private void accept() throws IOException {
        SocketChannel channel;
        while ((channel = server.accept()) != null) {
            Connection c = new Connection(channel);
            connections.add(c);
            channel.register(selector, SelectionKey.OP_READ, c);
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        stopping = true;
        selector.wakeup();
        thread.finish();
        IOException first = null;
        for (Connection c : connections) {
            first = Closer.close(c.channel, first);
        }
        first = Closer.close(server, first);
        first = Closer.close(selector, first);
        if (first != null) {
            throw first;
        }
    }
}
