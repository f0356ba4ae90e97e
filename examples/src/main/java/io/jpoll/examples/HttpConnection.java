package io.jpoll.examples;

import io.jpoll.Source;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * One connection of {@link HttpHello}: requests in, "Hello, world!" out, keep-alive and pipelining
 * included. It parses only as much HTTP as that takes: where each request's headers end, and
 * "Connection: close".
 *
 * <p>Its two buffers are all the memory it ever takes, whatever its peer does. A request larger
 * than {@code in} ends the connection. A peer that sends requests but does not read the responses
 * stops being read once they fill {@code out}, until it reads them (backpressure).
 */
final class HttpConnection {
    static final byte[] RESPONSE = ("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
            + "Content-Length: 13\r\n\r\nHello, world!").getBytes(StandardCharsets.US_ASCII);

    final SocketChannel channel;
    final Source source;
    /** What the connection is registered to wait for: READ is READABLE, WRITE is WRITABLE. */
    Next awaiting = Next.READ;
    /** Received and not yet answered; in fill mode. */
    private final ByteBuffer in = ByteBuffer.allocate(16 * 1024);
    /** Answered and not yet written; in fill mode. */
    private final ByteBuffer out = ByteBuffer.allocate(64 * 1024);
    private boolean closeWhenWritten;

    HttpConnection(SocketChannel channel) {
        this.channel = channel;
        this.source = Source.of(channel);
    }

    /**
     * Takes one step on a readiness event: reads once, answers, writes. One read is enough under
     * level triggering: if more is waiting, the next poll says so.
     *
     * @throws IOException if the peer reset the connection or vanished: the connection's end
     */
    Next onReady() throws IOException {
        // Read only once every answer is written: this is the backpressure.
        if (out.position() == 0 && channel.read(in) < 0) {
            return Next.CLOSE; // the peer is done, and all it asked is answered
        }
        do {
            answerCompleteRequests();
            out.flip();
            channel.write(out);
            out.compact();
            // Requests left unanswered because out was full get their turn once it is empty.
        } while (out.position() == 0 && !closeWhenWritten && headersEnd(0) >= 0);
        if (out.position() > 0) {
            return Next.WRITE;
        }
        if (closeWhenWritten || !in.hasRemaining()) {
            return Next.CLOSE; // asked to, or 16 KiB that are not a request: more than this example parses
        }
        return Next.READ;
    }

    /** Puts a response in {@code out} for each complete request in {@code in} while it fits. */
    private void answerCompleteRequests() {
        int start = 0;
        int end;
        while (!closeWhenWritten && out.remaining() >= RESPONSE.length && (end = headersEnd(start)) >= 0) {
            closeWhenWritten = mentions(start, end, "Connection: close");
            out.put(RESPONSE);
            start = end;
        }
        in.limit(in.position()).position(start);
        in.compact(); // drops what is answered
    }

    /** The index after the first "\r\n\r\n" in {@code in} at or after {@code from}, or -1. */
    private int headersEnd(int from) {
        for (int i = from; i + 3 < in.position(); i++) {
            if (in.get(i) == '\r' && in.get(i + 1) == '\n' && in.get(i + 2) == '\r' && in.get(i + 3) == '\n') {
                return i + 4;
            }
        }
        return -1;
    }

    /** Whether {@code in} holds {@code text} between {@code from} and {@code to}, ignoring case. */
    private boolean mentions(int from, int to, String text) {
        outer:
        for (int i = from; i + text.length() <= to; i++) {
            for (int j = 0; j < text.length(); j++) {
                if (Character.toLowerCase(in.get(i + j)) != Character.toLowerCase(text.charAt(j))) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
