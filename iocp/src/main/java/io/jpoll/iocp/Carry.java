package io.jpoll.iocp;

import io.jpoll.spi.EventSink;

/**
 * Completion records dequeued outside a select, held for the next select to decode.
 *
 * <p>Only {@link ReuseProbe} dequeues outside a select: a register may have to look at what the
 * port holds to learn whether a socket was closed. Whatever else it takes off the port (other
 * sockets' completions, wakes, the interrupt) is kept here in order, and a select decodes it
 * before it waits, as if it had dequeued it itself. Not thread-safe: used under the selector's lock.
 */
final class Carry {
    /** What a select does with one record; true if the record was the interrupt packet. */
    interface Decoder {
        boolean decode(long key, long overlapped, int bytes, EventSink sink);
    }

    private final long[] keys = new long[EntryBuffer.CAPACITY];
    private final long[] overlapped = new long[EntryBuffer.CAPACITY];
    private final int[] bytes = new int[EntryBuffer.CAPACITY];
    private int start;
    private int count;

    int size() {
        return count;
    }

    /** How many more records fit. */
    int room() {
        if (start > 0) {
            System.arraycopy(keys, start, keys, 0, count);
            System.arraycopy(overlapped, start, overlapped, 0, count);
            System.arraycopy(bytes, start, bytes, 0, count);
            start = 0;
        }
        return keys.length - count;
    }

    /** Keeps the first {@code n} records of {@code buffer}; {@code n} is at most {@link #room()}. */
    void add(EntryBuffer buffer, int n) {
        room();
        for (int i = 0; i < n; i++) {
            keys[count] = buffer.key(i);
            overlapped[count] = buffer.overlapped(i);
            bytes[count] = buffer.bytes(i);
            count++;
        }
    }

    /**
     * Decodes the oldest records, as many as the sink has room for (each yields at most one event).
     *
     * @return true if one of them was the interrupt packet
     */
    boolean replay(EventSink sink, Decoder decoder) {
        boolean interrupt = false;
        while (count > 0 && sink.remaining() > 0) {
            int i = start++;
            count--;
            interrupt |= decoder.decode(keys[i], overlapped[i], bytes[i], sink);
        }
        if (count == 0) {
            start = 0;
        }
        return interrupt;
    }

    /** Hands every held record's OVERLAPPED pointer to {@code sink} and forgets them (at close). */
    void drainOverlapped(java.util.function.LongConsumer sink) {
        for (int i = start; i < start + count; i++) {
            if (overlapped[i] != 0) {
                sink.accept(overlapped[i]);
            }
        }
        start = 0;
        count = 0;
    }
}
