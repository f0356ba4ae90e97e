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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An echo server where several threads poll one Poll, each event handled by exactly one of them.
 *
 * <p>Every registration is ONESHOT: when a poll returns a connection's event, the registration is
 * disarmed, so no other thread hears of that connection until the thread that got the event
 * re-arms it with {@code reregister}: for READABLE once it has echoed everything it read, or for
 * WRITABLE while an echo is unfinished. The listener works the same way: whichever thread gets
 * its event accepts, then re-arms it.
 *
 * <p>That is also why a connection's buffer needs no lock, though several threads take turns
 * with it. jpoll guarantees that what a thread does before {@code register} or
 * {@code reregister} happens-before what the thread whose {@code poll} returns the next event of
 * that registration does after. The disarmed registration is the lock, held by the thread that got
 * the event; re-arming releases it, and the next event acquires it.
 *
 * <p>As in the other servers, a connection's failure is that connection's end, and a failing
 * {@code accept()} pauses accepting ({@link AcceptBackoff}).
 */
public final class EchoOneshot implements AutoCloseable {
    private static final long LISTENER = 0;

    private final Poll poll;
    private final ServerSocketChannel listener;
    private final Source listenerSource;
    private final int threads;
    /**
     * Every open connection by token. Concurrent, because any thread may add or remove one; the
     * connections themselves need no lock (see above).
     */
    private final Map<Long, EchoConnection> connections = new ConcurrentHashMap<>();
    /*
     * The next two are the listener's state, used only by the thread that holds the listener's
     * event (or waits out its accept pause): they pass from thread to thread like a connection.
     */
    private final AcceptBackoff backoff = new AcceptBackoff("echo-mt");
    private long nextToken = 1;
    /** What ended a polling thread other than close(): it ends the others too, and run() throws it. */
    private final AtomicReference<IOException> failure = new AtomicReference<>();

    EchoOneshot(InetSocketAddress address, int threads) throws IOException {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, was " + threads);
        }
        this.threads = threads;
        poll = Poll.open();
        try {
            listener = Sockets.listen(poll, address, LISTENER, Interests.READABLE.oneshot());
        } catch (IOException | RuntimeException e) {
            poll.close();
            throw e;
        }
        listenerSource = Source.of(listener);
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 7000;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        try (EchoOneshot server = new EchoOneshot(new InetSocketAddress(port), threads)) {
            System.out.println("echo server on port " + server.port() + ", " + threads + " threads polling one Poll"
                    + " with ONESHOT registrations (" + server.poll.backend() + ")");
            server.run();
        }
    }

    /** Serves on {@code threads} threads until {@link #close()}, then closes every connection and returns. */
    void run() throws IOException, InterruptedException {
        Thread[] pollers = new Thread[threads];
        for (int i = 0; i < threads; i++) {
            pollers[i] = new Thread(this::serve, "echo-mt-poller-" + i);
            pollers[i].start();
        }
        try {
            for (Thread t : pollers) {
                t.join();
            }
        } finally {
            // Every poller has returned, so every connection is this thread's to close.
            connections.values().forEach(c -> Sockets.deregisterAndClose(poll.registry(), c.source, c.channel));
            connections.clear();
        }
        IOException e = failure.get();
        if (e != null) {
            throw e;
        }
    }

    /** One polling thread: waits for events and handles each it gets until the Poll closes. */
    private void serve() {
        Events events = new Events(64);
        // Set by the thread whose accept failed: it alone re-arms the listener when the pause is over.
        boolean acceptPaused = false;
        try {
            while (true) {
                poll.poll(events, acceptPaused ? backoff.remaining() : null);
                if (acceptPaused && backoff.remaining().isZero()) {
                    acceptPaused = !acceptAll();
                }
                for (int i = 0; i < events.size(); i++) {
                    long token = events.token(i);
                    if (token == LISTENER) {
                        acceptPaused = !acceptAll();
                    } else {
                        onReady(token);
                    }
                }
            }
        } catch (ClosedPollException closed) {
            // close() was called: the way out
        } catch (IOException e) {
            failure.compareAndSet(null, e);
            poll.close(); // a Poll that fails fails every thread: stop them all
        }
    }

    /**
     * Accepts until none is waiting and re-arms the listener; returns false if accept failed, which
     * leaves the listener disarmed for a pause.
     */
    private boolean acceptAll() throws IOException {
        while (true) {
            SocketChannel channel;
            try {
                channel = listener.accept();
            } catch (ClosedChannelException closing) {
                return true; // close() closed the listener after the Poll: the next poll ends this thread
            } catch (IOException e) {
                backoff.failed(e);
                return false;
            }
            if (channel == null) {
                backoff.succeeded();
                poll.registry().reregister(listenerSource, LISTENER, Interests.READABLE.oneshot());
                return true;
            }
            open(channel);
        }
    }

    private void open(SocketChannel channel) {
        long token = nextToken++;
        try {
            channel.configureBlocking(false);
            EchoConnection c = new EchoConnection(channel);
            // In the map before it is registered: from then on, another thread may get its event.
            connections.put(token, c);
            try {
                poll.registry().register(c.source, token, Interests.READABLE.oneshot());
            } catch (IOException e) {
                connections.remove(token);
                throw e;
            }
        } catch (IOException e) {
            Sockets.ended("echo-mt", token, e);
            Sockets.closeQuietly(channel);
        }
    }

    /**
     * Echoes what one connection allows, then re-arms it for what it waits for. Until then its
     * registration is disarmed, so this thread alone touches it. Whatever goes wrong with it ends
     * it, and only it.
     */
    private void onReady(long token) {
        EchoConnection c = connections.get(token);
        try {
            Next next = c.pump();
            if (next == Next.CLOSE) {
                drop(token, c);
            } else {
                // Re-arming hands the connection to whichever thread gets its next event.
                Interests wanted = next == Next.WRITE ? Interests.WRITABLE : Interests.READABLE;
                poll.registry().reregister(c.source, token, wanted.oneshot());
            }
        } catch (IOException e) {
            Sockets.ended("echo-mt", token, e);
            drop(token, c);
        }
    }

    private void drop(long token, EchoConnection c) {
        connections.remove(token);
        Sockets.deregisterAndClose(poll.registry(), c.source, c.channel);
    }

    int port() throws IOException {
        return ((InetSocketAddress) listener.getLocalAddress()).getPort();
    }

    /** How many connections the server holds now; any thread may ask. */
    int connections() {
        return connections.size();
    }

    /** Stops the server: {@link #run()} returns after closing the connections. Any thread may call it. */
    @Override
    public void close() throws IOException {
        poll.close(); // first, so a poller that finds the listener closed also finds the Poll closed
        listener.close();
    }
}
