package io.jpoll.it;

import io.jpoll.Events;
import io.jpoll.Interests;
import io.jpoll.Poll;
import io.jpoll.Source;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A small event loop over a child's pipes, as a program would write one: it writes each stdin
 * pipe's bytes when the pipe is writable, then closes it; it reads each output pipe when readable,
 * until end of stream. Level-triggered, so a partial read or write is simply taken up again on the
 * next poll. Every wait is a bounded poll.
 */
final class ChildLoop {
    private final Poll poll;
    private final Events events = new Events(16);
    private final Map<Long, Pipe.SourceChannel> readers = new HashMap<>();
    private final Map<Long, ByteArrayOutputStream> read = new HashMap<>();
    private final Map<Long, Pipe.SinkChannel> writers = new HashMap<>();
    private final Map<Long, ByteBuffer> toWrite = new HashMap<>();
    private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    private int readableEvents;
    private ProcessHandle watched;
    private long exitToken;
    private int exitEvents;

    ChildLoop(Poll poll) {
        this.poll = poll;
    }

    ChildLoop read(Pipe.SourceChannel from, long token) throws IOException {
        poll.registry().register(Source.of(from), token, Interests.READABLE.level());
        readers.put(token, from);
        read.put(token, new ByteArrayOutputStream());
        return this;
    }

    ChildLoop write(Pipe.SinkChannel to, long token, byte[] bytes) throws IOException {
        poll.registry().register(Source.of(to), token, Interests.WRITABLE.level());
        writers.put(token, to);
        toWrite.put(token, ByteBuffer.wrap(bytes));
        return this;
    }

    /** Also waits for the process's exit event, registered under {@code token}. */
    ChildLoop exit(ProcessHandle process, long token) throws IOException {
        poll.registry().register(Source.process(process), token, Interests.READABLE);
        watched = process;
        exitToken = token;
        return this;
    }

    /** Polls until every input is written and closed and every output has ended, or fails at the limit. */
    ChildLoop run(Duration limit) throws IOException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!readers.isEmpty() || !writers.isEmpty() || watched != null && exitEvents == 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                fail("after " + limit.toMillis() + " ms, still open: outputs " + readers.keySet() + ", inputs "
                        + writers.keySet() + (watched != null && exitEvents == 0 ? ", no exit event" : "")
                        + "; read so far " + sizes());
            }
            int n = poll.poll(events, Duration.ofNanos(left));
            for (int i = 0; i < n; i++) {
                long token = events.token(i);
                if (readers.containsKey(token)) {
                    readableEvents++;
                    readSome(token);
                } else if (writers.containsKey(token)) {
                    writeSome(token);
                } else if (watched != null && token == exitToken) {
                    if (exitEvents++ == 0) {
                        poll.registry().deregister(Source.process(watched));
                    }
                }
            }
        }
        return this;
    }

    private void readSome(long token) throws IOException {
        Pipe.SourceChannel from = readers.get(token);
        int got;
        while ((got = from.read(buffer.clear())) > 0) {
            read.get(token).write(buffer.array(), 0, got);
        }
        if (got < 0) {
            poll.registry().deregister(Source.of(from));
            readers.remove(token);
        }
    }

    private void writeSome(long token) throws IOException {
        Pipe.SinkChannel to = writers.get(token);
        ByteBuffer left = toWrite.get(token);
        while (left.hasRemaining() && to.write(left) > 0) {
            // as much as the pipe takes now; the rest when it is writable again
        }
        if (!left.hasRemaining()) {
            poll.registry().deregister(Source.of(to));
            to.close(); // the child's end of input
            writers.remove(token);
        }
    }

    /** How many exit events came: exactly one is right (ONESHOT, then deregistered). */
    int exitEvents() {
        return exitEvents;
    }

    byte[] bytes(long token) {
        return read.get(token).toByteArray();
    }

    String ascii(long token) {
        return new String(bytes(token), java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** How many readable events the outputs got, end of stream included. */
    int readableEvents() {
        return readableEvents;
    }

    private Map<Long, Integer> sizes() {
        Map<Long, Integer> sizes = new HashMap<>();
        read.forEach((t, b) -> sizes.put(t, b.size()));
        return sizes;
    }
}
