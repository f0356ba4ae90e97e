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
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * A minimal HTTP/1.1 server answering every request with "Hello, world!", keep-alive and
 * pipelining included: fit for {@code wrk -c 64 -d 10 http://127.0.0.1:8080/}. It parses only as
 * much HTTP as that takes (the end of the headers, and "Connection: close").
 */
public final class HttpHello {
    private static final long LISTENER = 0;
    private static final byte[] RESPONSE = ("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
            + "Content-Length: 13\r\n\r\nHello, world!").getBytes(StandardCharsets.US_ASCII);

    private HttpHello() {
    }

    public static void main(String[] args) throws IOException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
        try (Poll poll = Poll.open();
             ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress(port), 1024)) {
            listener.configureBlocking(false);
            poll.registry().register(Source.of(listener), LISTENER, Interests.READABLE.level());
            System.out.println("http hello on port " + port + " (" + poll.backend() + ")");
            Map<Long, Client> clients = new HashMap<>();
            Events events = new Events(1024);
            long next = 1;
            while (true) {
                poll.poll(events, null);
                for (int i = 0; i < events.size(); i++) {
                    long token = events.token(i);
                    if (token == LISTENER) {
                        for (SocketChannel ch; (ch = listener.accept()) != null; next++) {
                            ch.configureBlocking(false);
                            clients.put(next, new Client(ch));
                            poll.registry().register(Source.of(ch), next, Interests.READABLE.level());
                        }
                    } else {
                        Client c = clients.get(token);
                        if (c != null && !c.onReady(poll, token)) {
                            clients.remove(token);
                            c.channel.close();
                        }
                    }
                }
            }
        }
    }

    /**
     * One connection. It reads while it can answer; when the peer stops taking responses it waits
     * for WRITABLE only, so a client that pipelines without reading gets backpressure, not memory.
     */
    private static final class Client {
        final SocketChannel channel;
        final Source source;
        final ByteBuffer in = ByteBuffer.allocate(16 * 1024);
        final ByteBuffer out = ByteBuffer.allocate(64 * 1024);
        boolean closeAfterFlush;
        boolean waitingToWrite;

        Client(SocketChannel channel) {
            this.channel = channel;
            this.source = Source.of(channel);
        }

        /** Handles one event; false when the connection should close. */
        boolean onReady(Poll poll, long token) throws IOException {
            if (!waitingToWrite && channel.read(in) < 0) {
                return false;
            }
            do {
                if (!answerCompleteRequests()) {
                    return false;
                }
                out.flip();
                channel.write(out);
                out.compact();
                // Requests left over because out was full are answered once it drains.
            } while (out.position() == 0 && headersEnd(in, 0) >= 0);
            boolean blocked = out.position() > 0;
            if (blocked != waitingToWrite) {
                waitingToWrite = blocked;
                poll.registry().reregister(source, token, blocked ? Interests.WRITABLE.level() : Interests.READABLE.level());
            }
            return blocked || !closeAfterFlush;
        }

        /** Queues a response per complete request in {@code in}; false if a request cannot fit. */
        private boolean answerCompleteRequests() {
            int start = 0;
            int end;
            while (out.remaining() >= RESPONSE.length && (end = headersEnd(in, start)) >= 0) {
                closeAfterFlush |= mentions(in, start, end, "Connection: close");
                out.put(RESPONSE);
                start = end;
            }
            in.limit(in.position()).position(start);
            in.compact();
            // A full buffer holding no complete request is a request too large for this example.
            return in.hasRemaining() || start > 0;
        }

        /** The index after the next "\r\n\r\n" at or after {@code from}, or -1. */
        private static int headersEnd(ByteBuffer b, int from) {
            for (int i = from; i + 3 < b.position(); i++) {
                if (b.get(i) == '\r' && b.get(i + 1) == '\n' && b.get(i + 2) == '\r' && b.get(i + 3) == '\n') {
                    return i + 4;
                }
            }
            return -1;
        }

        private static boolean mentions(ByteBuffer b, int from, int to, String text) {
            outer:
            for (int i = from; i + text.length() <= to; i++) {
                for (int j = 0; j < text.length(); j++) {
                    if (Character.toLowerCase(b.get(i + j)) != Character.toLowerCase(text.charAt(j))) {
                        continue outer;
                    }
                }
                return true;
            }
            return false;
        }
    }
}
