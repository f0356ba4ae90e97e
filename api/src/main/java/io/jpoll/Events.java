package io.jpoll;

import io.jpoll.spi.EventSink;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The events one {@link Poll#poll} returned, read by index without allocation:
 *
 * <pre>{@code
 * for (int i = 0; i < events.size(); i++) {
 *     long token = events.token(i);
 *     if (events.isReadable(i)) ...
 * }
 * }</pre>
 *
 * <p>Readable and writable mean that the operation will not block; a hang-up or an error makes
 * the source ready in at least one direction its registration asked for, so that the next read
 * or write reports it. Error, read-closed, write-closed and priority are hints (see {@link Event}).
 *
 * <p>What each flag stands for on each OS (a hint may be missing, but is never false):
 * <table class="striped">
 *   <caption>Readiness per backend</caption>
 *   <thead>
 *     <tr><th scope="col">flag</th><th scope="col">epoll (Linux)</th>
 *         <th scope="col">kqueue (macOS, BSDs)</th><th scope="col">IOCP (Windows, AFD)</th></tr>
 *   </thead>
 *   <tbody>
 *     <tr><th scope="row">readable</th><td>{@code EPOLLIN} or {@code EPOLLPRI}; a hang-up or
 *         error that names no direction (a pipe's end of stream is {@code EPOLLHUP} alone)</td>
 *         <td>{@code EVFILT_READ} fired; an error, if read was asked</td>
 *         <td>receive, accept, disconnect, abort or connect failure</td></tr>
 *     <tr><th scope="row">writable</th><td>{@code EPOLLOUT}; an error that names no direction</td>
 *         <td>{@code EVFILT_WRITE} fired; an error, if write was asked; a pipe whose reader is
 *         gone</td>
 *         <td>send, abort or connect failure</td></tr>
 *     <tr><th scope="row">error</th><td>{@code EPOLLERR}</td>
 *         <td>{@code EV_ERROR}, or {@code EV_EOF} with a socket error in {@code fflags}</td>
 *         <td>connect failure, or a failed poll</td></tr>
 *     <tr><th scope="row">read-closed</th><td>{@code EPOLLRDHUP} with {@code EPOLLIN}: the
 *         peer's FIN, a reset, a local {@code shutdownInput}; never for a pipe</td>
 *         <td>{@code EV_EOF} on the read filter (also a pipe's end of stream)</td>
 *         <td>disconnect, abort or connect failure</td></tr>
 *     <tr><th scope="row">write-closed</th><td>{@code EPOLLHUP} with {@code EPOLLRDHUP} or
 *         {@code EPOLLERR}: both directions shut, or a reset; never for a pipe</td>
 *         <td>{@code EV_EOF} on the write filter; a pipe whose reader is gone</td>
 *         <td>abort or connect failure</td></tr>
 *     <tr><th scope="row">priority</th><td>{@code EPOLLPRI}</td><td>never (kqueue has no
 *         out-of-band filter)</td><td>expedited receive</td></tr>
 *   </tbody>
 * </table>
 *
 * <p>Not tied to a Poll, and not thread-safe: give each polling thread its own {@code Events}.
 * Two polls filling one {@code Events} at the same time is refused with
 * {@link IllegalStateException}.
 */
public final class Events implements Iterable<Event> {
    /** The largest capacity, 2^20 events. */
    public static final int MAX_CAPACITY = 1 << 20;

    private static final VarHandle BUSY;

    static {
        try {
            BUSY = MethodHandles.lookup().findVarHandle(Events.class, "busy", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final EventSink sink;
    @SuppressWarnings("unused") // accessed through BUSY
    private volatile int busy;
    /** Made by the first poll that may block; used only by the poll that holds this Events. */
    private InterruptHook interruptHook;

    /**
     * Creates an empty set of events with room for {@code capacity}; every later poll reuses it, so
     * size it for the most events one call should hand back, not for the number of registrations.
     *
     * @param capacity the most events one poll returns, 1 to {@link #MAX_CAPACITY}
     * @throws IllegalArgumentException if capacity is out of range
     */
    public Events(int capacity) {
        if (capacity < 1 || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException(
                    "Events: capacity must be 1 to " + MAX_CAPACITY + ", was " + capacity);
        }
        sink = new EventSink(capacity);
    }

    /**
     * The fixed room of this object: a poll returns at most this many events, and the rest wait
     * for the next poll.
     *
     * @return the most events one poll fills in
     */
    public int capacity() {
        return sink.capacity();
    }

    /**
     * The number of events the last poll filled in; valid indexes are 0 to {@code size() - 1}.
     *
     * @return how many events the last poll filled in
     */
    public int size() {
        return sink.size();
    }

    /**
     * Whether there is no event to read: the last poll's timeout ran out, the Poll was closed, or
     * nothing has been polled into this object since it was made or cleared.
     *
     * @return whether the last poll filled in no event
     */
    public boolean isEmpty() {
        return sink.size() == 0;
    }

    /** Forgets the events; {@link Poll#poll} does this itself before it fills them in. */
    public void clear() {
        sink.clear();
    }

    /**
     * The token of the event at {@code index}: the one given at registration, or to the waker.
     *
     * @param index 0 to {@link #size()} - 1
     * @return the token of the event at {@code index}
     * @throws IndexOutOfBoundsException if {@code index} is out of range
     */
    public long token(int index) {
        return sink.token(check(index));
    }

    /**
     * Whether the event at {@code index} says a read (or accept) will not block: there is data, the
     * end of the stream, an error, or a connection to accept.
     *
     * @param index 0 to {@link #size()} - 1
     * @return whether the event at {@code index} is readable
     * @throws IndexOutOfBoundsException if {@code index} is out of range
     */
    public boolean isReadable(int index) {
        return has(index, EventSink.READABLE);
    }

    /**
     * Whether the event at {@code index} says a write will not block: there is room to send, a
     * non-blocking connect has finished (or failed), or an error is pending.
     *
     * @param index 0 to {@link #size()} - 1
     * @return whether the event at {@code index} is writable
     * @throws IndexOutOfBoundsException if {@code index} is out of range
     */
    public boolean isWritable(int index) {
        return has(index, EventSink.WRITABLE);
    }

    /**
     * Whether the OS flagged an error on the source of the event at {@code index}. A hint: the
     * error itself surfaces from the next read, write or {@code finishConnect}.
     *
     * @param index 0 to {@link #size()} - 1
     * @return whether the event at {@code index} is flagged with a pending error
     * @throws IndexOutOfBoundsException if {@code index} is out of range
     */
    public boolean isError(int index) {
        return has(index, EventSink.ERROR);
    }

    /**
     * Whether the event at {@code index} says the read side is closed: the peer shut down or the
     * connection is gone. A hint, never a false positive, possibly missing (see {@link Event}).
     *
     * @param index 0 to {@link #size()} - 1
     * @return whether the event at {@code index} is flagged read-closed
     * @throws IndexOutOfBoundsException if {@code index} is out of range
     */
    public boolean isReadClosed(int index) {
        return has(index, EventSink.READ_CLOSED);
    }

    /**
     * Whether the event at {@code index} says the write side is closed: no write can succeed again.
     * A hint, never a false positive, possibly missing (see {@link Event}).
     *
     * @param index 0 to {@link #size()} - 1
     * @return whether the event at {@code index} is flagged write-closed
     * @throws IndexOutOfBoundsException if {@code index} is out of range
     */
    public boolean isWriteClosed(int index) {
        return has(index, EventSink.WRITE_CLOSED);
    }

    /**
     * Whether the event at {@code index} says priority data (TCP urgent data, or an exceptional
     * condition of a device) is waiting. A hint whose meaning follows the OS.
     *
     * @param index 0 to {@link #size()} - 1
     * @return whether the event at {@code index} is flagged with priority data
     * @throws IndexOutOfBoundsException if {@code index} is out of range
     */
    public boolean isPriority(int index) {
        return has(index, EventSink.PRIORITY);
    }

    /**
     * How many expiries a {@link Timer}'s event at {@code index} stands for: expiries that came
     * faster than the program polled merge into one event, and this is their number, at least 1.
     * 0 for every event that is not a timer's.
     *
     * @param index 0 to {@link #size()} - 1
     * @return the number of expiries, or 0
     * @throws IndexOutOfBoundsException if {@code index} is out of range
     */
    public long expirations(int index) {
        return sink.count(check(index));
    }

    /**
     * The event at {@code index} as a value object; allocates, unlike the other accessors.
     *
     * @param index 0 to {@link #size()} - 1
     * @return the event
     * @throws IndexOutOfBoundsException if {@code index} is out of range
     */
    public Event get(int index) {
        check(index);
        return new Event(sink.token(index), sink.readiness(index), sink.count(index));
    }

    /**
     * Iterates over the events of the last poll in order, making an {@link Event} for each; use the
     * indexed accessors where allocation matters.
     *
     * @return an iterator over the events of the last poll
     */
    @Override
    public Iterator<Event> iterator() {
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < sink.size();
            }

            @Override
            public Event next() {
                if (next >= sink.size()) {
                    throw new NoSuchElementException();
                }
                return get(next++);
            }
        };
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Events[").append(size()).append('/').append(capacity());
        for (int i = 0; i < size(); i++) {
            sb.append(i == 0 ? ": " : ", ")
                    .append(sink.token(i)).append('=').append(Event.describe(sink.readiness(i)));
        }
        return sb.append(']').toString();
    }

    private boolean has(int index, int bit) {
        return (sink.readiness(check(index)) & bit) != 0;
    }

    private int check(int index) {
        if (index < 0 || index >= sink.size()) {
            throw new IndexOutOfBoundsException("Events: index " + index + " out of range, size " + sink.size());
        }
        return index;
    }

    /** Claims the sink for one poll; a second concurrent poll on this Events is a misuse. */
    EventSink acquire() {
        if (!BUSY.compareAndSet(this, 0, 1)) {
            throw new IllegalStateException(
                    "Poll.poll: this Events is being filled by another poll; give each polling thread its own Events");
        }
        sink.clear();
        return sink;
    }

    void release() {
        BUSY.setVolatile(this, 0);
    }

    /** The interrupt hook of the poll that holds this Events (see {@link #acquire()}). */
    InterruptHook interruptHook() {
        InterruptHook hook = interruptHook;
        if (hook == null) {
            hook = new InterruptHook();
            interruptHook = hook;
        }
        return hook;
    }
}
