package io.jpoll.spi;

import java.io.IOException;

/**
 * The native side of one {@code io.jpoll.Timer}: a timerfd in the epoll set, an
 * {@code EVFILT_TIMER} filter in the kqueue, a waitable timer tied to the completion port.
 *
 * <p>The API layer guarantees that {@link #set} and {@link #cancel} never run concurrently with
 * each other (it serialises them per timer), never after {@link #close()}, and that close runs
 * exactly once, while the selector is still open. A select may run concurrently with any of them.
 *
 * <p>An expiry is reported by a select as one event with the timer's token, readable, whose count
 * (see {@link EventSink#add(long, int, long)}) is the number of expiries it stands for, at least 1.
 * Expiries that pile up before a select merge into one event. The user never drains anything:
 * the backend consumes the OS's count when it reports the event. Once {@link #set} or
 * {@link #cancel} has returned, no select that starts afterwards reports an expiry of the earlier
 * setting; a select already under way reports it only if the expiry was consumed before the call
 * took effect.
 */
public interface TimerHandle {
    /**
     * Arms the timer, replacing any earlier setting and discarding expiries not yet reported.
     *
     * @param delayNanos  the first expiry, in nanoseconds from now, at least 1
     * @param periodNanos the period of later expiries in nanoseconds, or 0 for a single expiry
     * @throws IOException if the OS refuses
     */
    void set(long delayNanos, long periodNanos) throws IOException;

    /**
     * Disarms the timer and discards expiries not yet reported.
     *
     * @throws IOException if the OS refuses
     */
    void cancel() throws IOException;

    /** Disarms the timer and releases its native handle. Called exactly once. */
    void close();
}
