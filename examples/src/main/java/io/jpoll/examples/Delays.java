package io.jpoll.examples;

import io.jpoll.Events;
import io.jpoll.Interests;
import io.jpoll.Poll;
import io.jpoll.Source;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The classic demo: five requests to a local server that answers after 4, 3, 2, 1 and 0 seconds.
 * One thread sends them all at once and prints each reply as its event arrives, so the replies
 * come in the reverse order of sending. The server ({@link DelayServer}) is embedded and runs on its
 * own thread and Poll, on a loopback port: nothing leaves the machine.
 */
public final class Delays {
    private static final int[] DELAYS = {4, 3, 2, 1, 0};

    private Delays() {
    }

    public static void main(String[] args) throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        DelayServer server = new DelayServer(new InetSocketAddress(loopback, 0));
        Thread serverThread = new Thread(() -> {
            try {
                server.run();
            } catch (IOException e) {
                System.err.println("delay server failed: " + e);
            }
        }, "delay-server");
        serverThread.start();
        try {
            runClient(new InetSocketAddress(loopback, server.port()));
        } finally {
            server.close();
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
}
