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
    private final long[] counts;
    private int size;

    /**
     * Creates an empty sink; its arrays are allocated here, once.
     *
     * @param capacity the most events one poll may add
     */
    public EventSink(int capacity) {
        tokens = new long[capacity];
        readiness = new int[capacity];
        counts = new long[capacity];
    }

    /**
     * The fixed room of the sink.
     *
     * @return the most events one poll may add
     */
    public int capacity() {
        return tokens.length;
    }

    /**
     * The number of events appended so far.
     *
     * @return how many events were added since the last {@link #clear()}
     */
    public int size() {
        return size;
    }

    /**
     * The room left, which bounds how many native records a backend may decode into this sink.
     *
     * @return how many more events fit
     */
    public int remaining() {
        return tokens.length - size;
    }

    /**
     * Appends one event. The caller has checked {@link #remaining()}; an overflow is a backend
     * bug and fails with {@link ArrayIndexOutOfBoundsException}.
     *
     * @param token         the registration's token
     * @param readinessBits a combination of {@link #READABLE}, {@link #WRITABLE} and the hint bits
     * @return the event's index, for a later {@link #merge}
     */
    public int add(long token, int readinessBits) {
        return add(token, readinessBits, 0);
    }

    /**
     * Appends one event that stands for a number of occurrences: a timer's expiries merged since it
     * was last reported. The caller has checked {@link #remaining()}.
     *
     * @param token         the timer's token
     * @param readinessBits a combination of {@link #READABLE}, {@link #WRITABLE} and the hint bits
     * @param count         how many expiries the event stands for, at least 1; 0 for an event
     *                      that counts nothing
     * @return the event's index
     */
    public int add(long token, int readinessBits, long count) {
        int i = size;
        tokens[i] = token;
        readiness[i] = readinessBits;
        counts[i] = count;
        size = i + 1;
        return i;
    }

    /**
     * Adds readiness bits to an event already appended in this poll: one registration reported
     * by two native records (kqueue's read and write filters) becomes one event.
     *
     * @param index         what {@link #add} returned
     * @param readinessBits the bits to add
     */
    public void merge(int index, int readinessBits) {
        if (index >= size) {
            throw new IndexOutOfBoundsException("merge index " + index + " >= size " + size);
        }
        readiness[index] |= readinessBits;
    }

    /**
     * The token of an appended event.
     *
     * @param index 0 to {@link #size()} - 1
     * @return the token of that event
     */
    public long token(int index) {
        return tokens[index];
    }

    /**
     * The readiness bits of an appended event: {@link #READABLE}, {@link #WRITABLE} and hints.
     *
     * @param index 0 to {@link #size()} - 1
     * @return the readiness bits of that event
     */
    public int readiness(int index) {
        return readiness[index];
    }

    /**
     * The count of an appended event: a timer's expiries, or 0.
     *
     * @param index 0 to {@link #size()} - 1
     * @return what {@link #add(long, int, long)} was given, or 0
     */
    public long count(int index) {
        return counts[index];
    }

    /** Forgets every event; the API calls it before each poll. */
    public void clear() {
        size = 0;
    }
}
