package io.jpoll.examples;

import io.jpoll.Events;
import io.jpoll.Interests;
import io.jpoll.Poll;
import io.jpoll.Source;
import io.jpoll.Waker;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The classic demo: five requests to a local server that answers after 4, 3, 2, 1 and 0 seconds.
 * One thread sends them all at once and prints each reply as its event arrives, so the replies
 * come in the reverse order of sending. The server is embedded and runs on its own Poll, using the
 * poll timeout as its timer. Nothing leaves the machine.
 */
public final class Delays {
    private static final int[] DELAYS = {4, 3, 2, 1, 0};

    private Delays() {
    }

    public static void main(String[] args) throws Exception {
        try (DelayServer server = new DelayServer()) {
            Thread serverThread = new Thread(server, "delay-server");
            serverThread.start();
            runClient(server.address());
            server.stop();
            serverThread.join(5000);
        }
    }

    private static void runClient(InetSocketAddress server) throws IOException {
        long start = System.nanoTime();
        try (Poll poll = Poll.open()) {
            SocketChannel[] requests = new SocketChannel[DELAYS.length];
            for (int i = 0; i < DELAYS.length; i++) {
                requests[i] = SocketChannel.open();
                requests[i].configureBlocking(false);
                requests[i].connect(server);
                poll.registry().register(Source.of(requests[i]), i, Interests.WRITABLE);
                System.out.printf("request %d: wait %d s%n", i, DELAYS[i]);
            }
            Events events = new Events(8);
            ByteBuffer buffer = ByteBuffer.allocate(256);
            int open = DELAYS.length;
            while (open > 0) {
                poll.poll(events, Duration.ofSeconds(10));
                if (events.isEmpty()) {
                    throw new IOException("no reply within 10 s; " + open + " requests open");
                }
                for (int e = 0; e < events.size(); e++) {
                    int i = (int) events.token(e);
                    SocketChannel ch = requests[i];
                    if (events.isWritable(e)) {         // connected: send the delay, then wait for the reply
                        ch.finishConnect();
                        ch.write(StandardCharsets.US_ASCII.encode(DELAYS[i] + "\n"));
                        poll.registry().reregister(Source.of(ch), i, Interests.READABLE);
                    } else if (events.isReadable(e)) {
                        buffer.clear();
                        ch.read(buffer);
                        buffer.flip();
                        System.out.printf("%5.1f s  reply to request %d: %s%n", (System.nanoTime() - start) / 1e9, i,
                                StandardCharsets.US_ASCII.decode(buffer).toString().trim());
                        poll.registry().deregister(Source.of(ch));
                        ch.close();
                        open--;
                    }
                }
            }
            System.out.println("FINISHED");
        }
    }

    /** Answers "N\n" with "waited N s" after N seconds. */
    private static final class DelayServer implements Runnable, AutoCloseable {
        private static final long LISTENER = -1;
        private static final long STOP = -2;

        private final Poll poll = Poll.open();
        private final ServerSocketChannel listener = ServerSocketChannel.open();
        private final Waker stopper = poll.waker(STOP);
        private final Map<Long, SocketChannel> clients = new HashMap<>();
        /** Replies due, earliest first: {dueNanos, token, delay}. */
        private final PriorityQueue<long[]> due = new PriorityQueue<>((a, b) -> Long.compare(a[0], b[0]));
        private volatile boolean running = true;

        DelayServer() throws IOException {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            listener.configureBlocking(false);
            poll.registry().register(Source.of(listener), LISTENER, Interests.READABLE.level());
        }

        InetSocketAddress address() throws IOException {
            return (InetSocketAddress) listener.getLocalAddress();
        }

        void stop() {
            running = false;
            stopper.wake();
        }

        @Override
        public void run() {
            Events events = new Events(16);
            ByteBuffer buffer = ByteBuffer.allocate(64);
            long next = 0;
            try {
                while (running) {
                    long now = System.nanoTime();
                    while (!due.isEmpty() && due.peek()[0] <= now) {
                        long[] reply = due.poll();
                        SocketChannel ch = clients.remove(reply[1]);
                        ch.write(StandardCharsets.US_ASCII.encode("waited " + reply[2] + " s\n"));
                        ch.close();
                    }
                    // The poll timeout is the timer: wake up when the next reply is due.
                    Duration timeout = due.isEmpty() ? null : Duration.ofNanos(due.peek()[0] - now);
                    poll.poll(events, timeout);
                    for (int e = 0; e < events.size(); e++) {
                        long token = events.token(e);
                        if (token == LISTENER) {
                            for (SocketChannel ch; (ch = listener.accept()) != null; next++) {
                                ch.configureBlocking(false);
                                clients.put(next, ch);
                                poll.registry().register(Source.of(ch), next, Interests.READABLE);
                            }
                        } else if (token >= 0) {
                            SocketChannel ch = clients.get(token);
                            buffer.clear();
                            ch.read(buffer);
                            buffer.flip();
                            long delay = Long.parseLong(StandardCharsets.US_ASCII.decode(buffer).toString().trim());
                            poll.registry().deregister(Source.of(ch));
                            due.add(new long[]{System.nanoTime() + Duration.ofSeconds(delay).toNanos(), token, delay});
                        }
                    }
                }
            } catch (IOException e) {
                System.err.println("delay server failed: " + e);
            }
        }

        @Override
        public void close() throws IOException {
            for (SocketChannel ch : clients.values()) {
                ch.close();
            }
            listener.close();
            poll.close();
        }
    }
}
