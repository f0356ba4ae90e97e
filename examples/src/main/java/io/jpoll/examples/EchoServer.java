package io.jpoll.examples;

import io.jpoll.ClosedPollException;
import io.jpoll.Events;
import io.jpoll.Interests;
import io.jpoll.Poll;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.HashMap;
import java.util.Map;

/**
 * An echo server on edge-triggered readiness, single-threaded: every event is followed by
 * reading (or accepting) until the call would block, because the next event comes only with the
 * next change. Each connection is registered once, for both READABLE and WRITABLE; a connection
 * whose peer reads slowly keeps its unsent bytes, stops reading, and continues on the WRITABLE
 * edge ({@link EchoConnection}).
 *
 * <p>A connection's failure (a reset, a peer that vanishes mid-write) is that connection's end:
 * it is deregistered and closed, and the server serves on. A failing {@code accept()} pauses
 * accepting ({@link AcceptBackoff}).
 */
public final class EchoServer implements AutoCloseable {
    private static final long LISTENER = 0;

    private final Poll poll;
    private final ServerSocketChannel listener;
    private final AcceptBackoff backoff = new AcceptBackoff("echo");
    private final Map<Long, EchoConnection> connections = new HashMap<>();
    /** The size of {@code connections}, for those that watch the server from other threads. */
    private volatile int connectionCount;
    private boolean acceptPaused;
    private long nextToken = 1;

    EchoServer(InetSocketAddress address) throws IOException {
        poll = Poll.open();
        try {
            listener = Sockets.listen(poll, address, LISTENER, Interests.READABLE.edge());
        } catch (IOException | RuntimeException e) {
            poll.close();
            throw e;
        }
    }

    public static void main(String[] args) throws IOException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 7000;
        try (EchoServer server = new EchoServer(new InetSocketAddress(port))) {
            System.out.println("echo server on port " + server.port() + " (" + server.poll.backend() + ")");
            server.run();
        }
    }

    /** Serves until {@link #close()}, then closes every connection and returns. */
    void run() throws IOException {
        Events events = new Events(1024);
        try {
            while (true) {
                poll.poll(events, acceptPaused ? backoff.remaining() : null);
                if (acceptPaused && backoff.remaining().isZero()) {
                    acceptAll();
                }
                for (int i = 0; i < events.size(); i++) {
                    long token = events.token(i);
                    if (token != LISTENER) {
                        onReady(token);
                    } else if (!acceptPaused) {
                        acceptAll(); // while paused, the retry at the end of the pause accepts them all
                    }
                }
            }
        } catch (ClosedPollException closed) {
            // close() was called: the way out
        } finally {
            connections.values().forEach(c -> Sockets.deregisterAndClose(poll.registry(), c.source, c.channel));
            connections.clear();
            connectionCount = 0;
        }
    }

    /**
     * Accepts until none is waiting. When accept fails, the connections waiting now raise no new
     * edge, so the server retries by itself once the pause is over.
     */
    private void acceptAll() {
        while (true) {
            SocketChannel channel;
            try {
                channel = listener.accept();
            } catch (ClosedChannelException closing) {
                return; // close() closed the listener after the Poll: the next poll ends run()
            } catch (IOException e) {
                backoff.failed(e);
                acceptPaused = true;
                return;
            }
            if (channel == null) {
                backoff.succeeded();
                acceptPaused = false;
                return;
            }
            open(channel);
        }
    }

    private void open(SocketChannel channel) {
        long token = nextToken++;
        try {
            channel.configureBlocking(false);
            EchoConnection c = new EchoConnection(channel);
            poll.registry().register(c.source, token, Interests.READABLE.add(Interests.WRITABLE).edge());
            connections.put(token, c);
            connectionCount = connections.size();
        } catch (IOException e) {
            Sockets.ended("echo", token, e);
            Sockets.closeQuietly(channel);
        }
    }

    /** Echoes what one connection allows; whatever goes wrong with it ends it, and only it. */
    private void onReady(long token) {
        EchoConnection c = connections.get(token);
        try {
            // READ and WRITE need nothing: the connection is registered for both edges already.
            if (c.pump() == Next.CLOSE) {
                drop(token, c);
            }
        } catch (IOException e) {
            Sockets.ended("echo", token, e);
            drop(token, c);
        }
    }

    private void drop(long token, EchoConnection c) {
        connections.remove(token);
        connectionCount = connections.size();
        Sockets.deregisterAndClose(poll.registry(), c.source, c.channel);
    }

    int port() throws IOException {
        return ((InetSocketAddress) listener.getLocalAddress()).getPort();
    }

    /** How many connections the server holds now; any thread may ask. */
    int connections() {
        return connectionCount;
    }

    /** Stops the server: {@link #run()} returns after closing the connections. Any thread may call it. */
    @Override
    public void close() throws IOException {
        poll.close(); // first, so a run() that finds the listener closed also finds the Poll closed
        listener.close();
    }
}
