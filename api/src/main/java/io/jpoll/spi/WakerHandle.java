package io.jpoll.spi;

import java.io.IOException;

/**
 * The native side of one {@code io.jpoll.Waker}. The API layer guarantees that {@link #wake()}
 * never runs concurrently with or after {@link #close()}, and that close runs exactly once, while
 * the selector is still open.
 */
public interface WakerHandle {
    /**
     * Makes a select report this waker's token. Wakes before the next select may merge.
     *
     * @throws IOException if the OS fails the wake, other than for a full counter or queue
     */
    void wake() throws IOException;

    /** Releases the native handle. */
    void close();
}
