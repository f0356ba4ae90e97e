package io.jpoll.bench.echo;

import io.jpoll.Events;
import io.jpoll.Interests;
import io.jpoll.Poll;
import io.jpoll.Registry;
import io.jpoll.Source;
import io.jpoll.Waker;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * The echo server on jpoll: one thread, LEVEL interests (like the Selector's), I/O through the
 * JDK channels. A connection's token is its index in the connection table.
 */
final class JpollEchoServer implements EchoServer {
    private static final long ACCEPT = -1;
    private static final long STOP = -2;
    private static final Interests READ = Interests.READABLE.level();
    private static final Interests WRITE = Interests.WRITABLE.level();

    private final Poll poll;
    private final ServerSocketChannel server;
    private final Waker stop;
    private final List<Connection> connections = new ArrayList<>();
    private final List<Source> sources = new ArrayList<>();
    private final EventLoopThread thread;

    private JpollEchoServer(Poll poll, ServerSocketChannel server) throws IOException {
        this.poll = poll;
        this.server = server;
        this.stop = poll.waker(STOP);
        this.thread = new EventLoopThread("jpoll echo server", this::loop);
    }

    static JpollEchoServer start() throws IOException {
        Poll poll = Poll.open();
        ServerSocketChannel server = ServerSocketChannel.open();
        try {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
            server.configureBlocking(false);
            poll.registry().register(Source.of(server), ACCEPT, Interests.READABLE.level());
            JpollEchoServer s = new JpollEchoServer(poll, server);
            s.thread.start();
            return s;
        } catch (IOException | RuntimeException e) {
            server.close();
            poll.close();
            throw e;
        }
    }

    @Override
    public InetSocketAddress address() {
        try {
            return (InetSocketAddress) server.getLocalAddress();
        } catch (IOException e) {
            throw new IllegalStateException("jpoll echo server: no local address", e);
        }
    }

    private void loop() throws IOException {
        Events events = new Events(1024);
        Registry registry = poll.registry();
        while (true) {
            int n = poll.poll(events, null);
            for (int i = 0; i < n; i++) {
                long token = events.token(i);
                if (token == STOP) {
                    return;
                }
                if (token == ACCEPT) {
                    accept(registry);
                    continue;
                }
                int index = (int) token;
                Connection c = connections.get(index);
                Connection.Outcome outcome = events.isWritable(i) ? c.onWritable() : c.onReadable();
                switch (outcome) {
                    case CLOSED:
                        registry.deregister(sources.get(index));
                        c.channel.close();
                        break;
                    case BACKLOGGED:
                        registry.reregister(sources.get(index), token, WRITE);
                        break;
                    case DONE:
                        if (events.isWritable(i)) {
                            registry.reregister(sources.get(index), token, READ);
                        }
                        break;
                    default:
                        throw new IllegalStateException("unknown outcome " + outcome);
                }
            }
        }
    }

    private void accept(Registry registry) throws IOException {
        SocketChannel channel;
        while ((channel = server.accept()) != null) {
            Connection c = new Connection(channel);
            Source source = Source.of(channel);
            int index = connections.size();
            connections.add(c);
            sources.add(source);
            registry.register(source, index, READ);
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        stop.wake();
        thread.finish();
        IOException first = null;
        for (Connection c : connections) {
            first = io.jpoll.bench.Closer.close(c.channel, first);
        }
        first = io.jpoll.bench.Closer.close(server, first);
        poll.close();
        if (first != null) {
            throw first;
        }
    }
}
