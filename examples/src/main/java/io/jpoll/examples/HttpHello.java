package io.jpoll.examples;

import io.jpoll.ClosedPollException;
import io.jpoll.Events;
import io.jpoll.Interests;
import io.jpoll.Poll;
import io.jpoll.Source;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.HashMap;
import java.util.Map;

/**
 * A minimal HTTP/1.1 server answering every request with "Hello, world!", keep-alive and
 * pipelining included: fit for {@code wrk -t2 -c50 -d5s http://127.0.0.1:8080/}, run after run.
 * Level-triggered and single-threaded; each event takes one step of one {@link HttpConnection}.
 *
 * <p>A connection's failure is that connection's end, nothing more: a peer that resets (wrk
 * resets every connection when a run ends), half-closes, sends garbage, stops reading or vanishes
 * mid-write is deregistered and closed, and the server serves on. A failing {@code accept()}
 * pauses accepting ({@link AcceptBackoff}); only a failure of the Poll itself stops the server.
 */
public final class HttpHello implements AutoCloseable {
    private static final long LISTENER = 0;

    private final Poll poll;
    private final ServerSocketChannel listener;
    private final Source listenerSource;
    private final AcceptBackoff backoff = new AcceptBackoff("http");
    private final Map<Long, HttpConnection> connections = new HashMap<>();
    /** The size of {@code connections}, for those that watch the server from other threads. */
    private volatile int connectionCount;
    private boolean listening = true;
    private long nextToken = 1;

    HttpHello(InetSocketAddress address) throws IOException {
        poll = Poll.open();
        try {
            listener = Sockets.listen(poll, address, LISTENER, Interests.READABLE.level());
        } catch (IOException | RuntimeException e) {
            poll.close();
            throw e;
        }
        listenerSource = Source.of(listener);
    }

    public static void main(String[] args) throws IOException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
        try (HttpHello server = new HttpHello(new InetSocketAddress(port))) {
            System.out.println("http hello on port " + server.port() + " (" + server.poll.backend() + ")");
            server.run();
        }
    }

    /** Serves until {@link #close()}, then closes every connection and returns. */
    void run() throws IOException {
        Events events = new Events(1024);
        try {
            while (true) {
                poll.poll(events, listening ? null : backoff.remaining());
                if (!listening && backoff.remaining().isZero()) {
                    acceptAll();
                }
                for (int i = 0; i < events.size(); i++) {
                    long token = events.token(i);
                    if (token == LISTENER) {
                        acceptAll();
                    } else {
                        onReady(token);
                    }
                }
            }
        } catch (ClosedPollException closed) {
            // close() was called: the way out
        } finally {
            connections.forEach((token, c) -> Sockets.deregisterAndClose(poll.registry(), c.source, c.channel));
            connections.clear();
            connectionCount = 0;
        }
    }

    /** Accepts every waiting connection; when accept fails, stops listening for a pause. */
    private void acceptAll() throws IOException {
        while (true) {
            SocketChannel channel;
            try {
                channel = listener.accept();
            } catch (ClosedChannelException closing) {
                return; // close() closed the listener after the Poll: the next poll ends run()
            } catch (IOException e) {
                backoff.failed(e);
                listen(false); // a listener that stays ready would wake every level-triggered poll
                return;
            }
            if (channel == null) {
                backoff.succeeded();
                listen(true);
                return;
            }
            open(channel);
        }
    }

    private void listen(boolean on) throws IOException {
        if (on != listening) {
            if (on) {
                poll.registry().register(listenerSource, LISTENER, Interests.READABLE.level());
            } else {
                poll.registry().deregister(listenerSource);
            }
            listening = on;
        }
    }

    private void open(SocketChannel channel) {
        long token = nextToken++;
        try {
            channel.configureBlocking(false);
            HttpConnection c = new HttpConnection(channel);
            poll.registry().register(c.source, token, Interests.READABLE.level());
            connections.put(token, c);
            connectionCount = connections.size();
        } catch (IOException e) {
            Sockets.ended("http", token, e);
            Sockets.closeQuietly(channel);
        }
    }

    /** One step of one connection; whatever goes wrong with it ends it, and only it. */
    private void onReady(long token) {
        HttpConnection c = connections.get(token);
        try {
            Next next = c.onReady();
            if (next == Next.CLOSE) {
                drop(token, c);
            } else if (next != c.awaiting) {
                Interests wanted = next == Next.WRITE ? Interests.WRITABLE : Interests.READABLE;
                poll.registry().reregister(c.source, token, wanted.level());
                c.awaiting = next;
            }
        } catch (IOException e) {
            Sockets.ended("http", token, e);
            drop(token, c);
        }
    }

    private void drop(long token, HttpConnection c) {
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
