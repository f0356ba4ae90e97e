package io.jpoll.examples;

import io.jpoll.ClosedPollException;
import io.jpoll.Events;
import io.jpoll.Interests;
import io.jpoll.Poll;
import io.jpoll.Source;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The server of the {@link Delays} demo: a client sends a number of seconds from 0 to 60 and a
 * newline, and gets "waited N s\n" that many seconds later, then the end of the connection. One
 * thread serves all clients, and the poll timeout is its timer: a waiting client costs neither a
 * thread nor a wake-up until its reply is due.
 *
 * <p>Registrations are ONESHOT, re-armed while the server still wants to hear from a client. A
 * client's failure is that client's end: one that resets or sends anything but a request is
 * dropped at once, without a reply, even while its reply is due; one that half-closes after
 * asking still gets its reply.
 */
final class DelayServer implements AutoCloseable {
    static final int MAX_DELAY = 60;
    private static final long LISTENER = 0;

    private final Poll poll;
    private final ServerSocketChannel listener;
    private final Source listenerSource;
    private final AcceptBackoff backoff = new AcceptBackoff("delays");
    private final Map<Long, Client> clients = new HashMap<>();
    /** The clients that asked, the earliest reply first. */
    private final PriorityQueue<Client> due = new PriorityQueue<>(Comparator.comparingLong(c -> c.dueAt));
    /** The size of {@code clients}, for those that watch the server from other threads. */
    private volatile int clientCount;
    private boolean acceptPaused;
    private long nextToken = 1;

    DelayServer(InetSocketAddress address) throws IOException {
        poll = Poll.open();
        try {
            listener = Sockets.listen(poll, address, LISTENER, Interests.READABLE.oneshot());
        } catch (IOException | RuntimeException e) {
            poll.close();
            throw e;
        }
        listenerSource = Source.of(listener);
    }

    /** Serves until {@link #close()}, then closes every connection and returns. */
    void run() throws IOException {
        Events events = new Events(64);
        try {
            while (true) {
                answerDue();
                poll.poll(events, timeout());
                if (acceptPaused && backoff.remaining().isZero()) {
                    acceptAll();
                }
                for (int i = 0; i < events.size(); i++) {
                    long token = events.token(i);
                    if (token == LISTENER) {
                        acceptAll();
                    } else {
                        onReadable(clients.get(token));
                    }
                }
            }
        } catch (ClosedPollException closed) {
            // close() was called: the way out
        } finally {
            clients.values().forEach(c -> Sockets.deregisterAndClose(poll.registry(), c.source, c.channel));
            clients.clear();
            due.clear();
            clientCount = 0;
        }
    }

    /** Until the next reply is due, or the accept pause ends; null (forever) if neither. */
    private Duration timeout() {
        Duration timeout = due.isEmpty() ? null : Duration.ofNanos(Math.max(0, due.peek().dueAt - System.nanoTime()));
        if (acceptPaused && (timeout == null || backoff.remaining().compareTo(timeout) < 0)) {
            timeout = backoff.remaining();
        }
        return timeout;
    }

    private void answerDue() {
        while (!due.isEmpty() && due.peek().dueAt - System.nanoTime() <= 0) {
            Client c = due.peek();
            try {
                // The first and only write on the connection: its send buffer has room for it all.
                c.channel.write(StandardCharsets.US_ASCII.encode("waited " + c.delay + " s\n"));
            } catch (IOException e) {
                Sockets.ended("delays", c.token, e);
            }
            drop(c);
        }
    }

    /** Accepts until none is waiting, then re-arms the listener; after a failure, pauses instead. */
    private void acceptAll() throws IOException {
        while (true) {
            SocketChannel channel;
            try {
                channel = listener.accept();
            } catch (ClosedChannelException closing) {
                return; // close() closed the listener after the Poll: the next poll ends run()
            } catch (IOException e) {
                backoff.failed(e);
                acceptPaused = true; // the listener stays disarmed; the end of the pause re-arms it
                return;
            }
            if (channel == null) {
                backoff.succeeded();
                acceptPaused = false;
                poll.registry().reregister(listenerSource, LISTENER, Interests.READABLE.oneshot());
                return;
            }
            open(channel);
        }
    }

    private void open(SocketChannel channel) {
        long token = nextToken++;
        try {
            channel.configureBlocking(false);
            Client c = new Client(token, channel);
            poll.registry().register(c.source, token, Interests.READABLE.oneshot());
            clients.put(token, c);
            clientCount = clients.size();
        } catch (IOException e) {
            Sockets.ended("delays", token, e);
            Sockets.closeQuietly(channel);
        }
    }

    /** Reads what a client sent; whatever goes wrong with it ends it, and only it. */
    private void onReadable(Client c) {
        try {
            int n = c.channel.read(c.in);
            if (n < 0) {
                if (!c.asked()) {
                    drop(c); // it left without asking
                }
                return; // it asked and half-closed: it gets its reply, and the server stops watching it
            }
            if (c.asked()) {
                drop(c); // more than one request
                return;
            }
            int delay = c.parseRequest();
            if (delay == Client.INVALID) {
                drop(c);
                return;
            }
            if (delay != Client.INCOMPLETE) {
                c.ask(delay);
                due.add(c);
            }
            // Watch on: for the rest of the request, or, while the reply is due, for a reset.
            poll.registry().reregister(c.source, c.token, Interests.READABLE.oneshot());
        } catch (IOException e) {
            Sockets.ended("delays", c.token, e);
            drop(c);
        }
    }

    private void drop(Client c) {
        clients.remove(c.token);
        due.remove(c);
        clientCount = clients.size();
        Sockets.deregisterAndClose(poll.registry(), c.source, c.channel);
    }

    int port() throws IOException {
        return ((InetSocketAddress) listener.getLocalAddress()).getPort();
    }

    /** How many connections the server holds now; any thread may ask. */
    int connections() {
        return clientCount;
    }

    /** Stops the server: {@link #run()} returns after closing the connections. Any thread may call it. */
    @Override
    public void close() throws IOException {
        poll.close(); // first, so a run() that finds the listener closed also finds the Poll closed
        listener.close();
    }

    /** One connection: its request as it arrives, then when its reply is due. */
    private static final class Client {
        static final int INCOMPLETE = -1;
        static final int INVALID = -2;

        final long token;
        final SocketChannel channel;
        final Source source;
        /** "60\r\n" fits; what does not is no request. In fill mode. */
        final ByteBuffer in = ByteBuffer.allocate(8);
        int delay = -1;
        long dueAt;

        Client(long token, SocketChannel channel) {
            this.token = token;
            this.channel = channel;
            this.source = Source.of(channel);
        }

        boolean asked() {
            return delay >= 0;
        }

        void ask(int seconds) {
            delay = seconds;
            dueAt = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
            in.clear(); // room to read whatever else arrives, which is then an error
        }

        /** The delay the request asks for, INCOMPLETE until its newline, or INVALID. */
        int parseRequest() {
            int end = 0;
            while (end < in.position() && in.get(end) != '\n') {
                end++;
            }
            if (end == in.position()) {
                return in.hasRemaining() ? INCOMPLETE : INVALID;
            }
            int digits = end > 0 && in.get(end - 1) == '\r' ? end - 1 : end;
            if (end + 1 != in.position() || digits == 0 || digits > 2) {
                return INVALID; // bytes after the request, or no number of seconds
            }
            int seconds = 0;
            for (int i = 0; i < digits; i++) {
                byte b = in.get(i);
                if (b < '0' || b > '9') {
                    return INVALID;
                }
                seconds = 10 * seconds + (b - '0');
            }
            return seconds <= MAX_DELAY ? seconds : INVALID;
        }
    }
}
