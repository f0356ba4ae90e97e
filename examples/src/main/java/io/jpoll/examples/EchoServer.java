package io.jpoll.examples;

import io.jpoll.Events;
import io.jpoll.Interests;
import io.jpoll.Poll;
import io.jpoll.Source;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.HashMap;
import java.util.Map;

/**
 * An echo server on edge-triggered readiness: every event is followed by reading (or accepting)
 * until the call would block. A client whose peer reads slowly keeps its unsent bytes and waits
 * for WRITABLE instead of spinning.
 */
public final class EchoServer {
    private static final long LISTENER = 0;

    private final Poll poll;
    private final ServerSocketChannel listener;
    private final Map<Long, Connection> connections = new HashMap<>();
    private long nextToken = 1;

    private EchoServer(int port) throws IOException {
        poll = Poll.open();
        listener = ServerSocketChannel.open().bind(new InetSocketAddress(port));
        listener.configureBlocking(false);
        poll.registry().register(Source.of(listener), LISTENER, Interests.READABLE.edge());
    }

    public static void main(String[] args) throws IOException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 7000;
        EchoServer server = new EchoServer(port);
        System.out.println("echo server on port " + port + " (" + server.poll.backend() + ")");
        server.serve();
    }

    private void serve() throws IOException {
        Events events = new Events(1024);
        while (true) {
            poll.poll(events, null);
            for (int i = 0; i < events.size(); i++) {
                long token = events.token(i);
                if (token == LISTENER) {
                    acceptAll();
                } else {
                    Connection c = connections.get(token);
                    if (c != null && !c.onReady()) {
                        connections.remove(token);
                        c.close();
                    }
                }
            }
        }
    }

    private void acceptAll() throws IOException {
        for (SocketChannel ch; (ch = listener.accept()) != null; ) {
            ch.configureBlocking(false);
            long token = nextToken++;
            Connection c = new Connection(ch);
            connections.put(token, c);
            poll.registry().register(c.source, token, Interests.READABLE.add(Interests.WRITABLE).edge());
        }
    }

    /** One client: what it sent and we have not yet written back. */
    private static final class Connection {
        final SocketChannel channel;
        final Source source;
        final ByteBuffer pending = ByteBuffer.allocate(64 * 1024);

        Connection(SocketChannel channel) {
            this.channel = channel;
            this.source = Source.of(channel);
        }

        /** Reads and echoes until either side would block; false when the client is gone. */
        boolean onReady() {
            try {
                while (true) {
                    int n = channel.read(pending);   // pending is in fill mode here
                    pending.flip();
                    channel.write(pending);
                    pending.compact();
                    if (n < 0) {
                        return false;
                    }
                    if (n == 0 || pending.position() > 0) {
                        // Would block on read, or the peer is slow to take our bytes: the next edge
                        // (READABLE or WRITABLE) brings us back.
                        return true;
                    }
                }
            } catch (IOException e) {
                return false;
            }
        }

        void close() {
            try {
                channel.close(); // closing the fd also removes it from the Poll
            } catch (IOException ignored) {
                // nothing more to do for a client that is gone
            }
        }
    }
}
