package io.jpoll.spi;

/**
 * Where a {@link Selector} writes the events of one poll: two parallel primitive arrays, token and
 * readiness bits, that the public {@code io.jpoll.Events} reads by index. Nothing is boxed and no
 * object is made per event.
 *
 * <p>One sink belongs to one {@code Events} and is filled by one polling thread at a time.
 */
public final class EventSink {
    /** Readable: data, end of stream, an incoming connection. */
    public static final int READABLE = 1;
    /** Writable: room in the send buffer, a finished connect. */
    public static final int WRITABLE = 1 << 1;
    /** An error is pending on the source (a hint). */
    public static final int ERROR = 1 << 2;
    /** The read side is closed: the peer shut down or the connection is gone (a hint). */
    public static final int READ_CLOSED = 1 << 3;
    /** The write side is closed (a hint). */
    public static final int WRITE_CLOSED = 1 << 4;
    /** Priority (out-of-band) data is readable (a hint). */
    public static final int PRIORITY = 1 << 5;

    private final long[] tokens;
    private final int[] readiness;
    private int size;

    public EventSink(int capacity) {
        tokens = new long[capacity];
        readiness = new int[capacity];
    }

    public int capacity() {
        return tokens.length;
    }

    public int size() {
        return size;
    }

    /** How many more events fit. */
    public int remaining() {
        return tokens.length - size;
    }

    /**
     * Appends one event and returns its index. The caller has checked {@link #remaining()}; an
     * overflow is a backend bug and fails with {@link ArrayIndexOutOfBoundsException}.
     */
    public int add(long token, int readinessBits) {
        int i = size;
        tokens[i] = token;
        readiness[i] = readinessBits;
        size = i + 1;
        return i;
    }

    /** Adds readiness bits to the event at {@code index} (one registration, two native records). */
    public void merge(int index, int readinessBits) {
        if (index >= size) {
            throw new IndexOutOfBoundsException("merge index " + index + " >= size " + size);
        }
        readiness[index] |= readinessBits;
    }

    public long token(int index) {
        return tokens[index];
    }

    public int readiness(int index) {
        return readiness[index];
    }

    public void clear() {
        size = 0;
    }
}
