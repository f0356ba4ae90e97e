package io.jpoll.iocp;

/**
 * The kernel objects behind timers and process watches, reduced to the calls {@link Waits} makes:
 * waitable timers, process handles, and wait completion packets that queue a packet to the
 * selector's completion port when the object they wait on is signalled.
 *
 * <p>A wait completion packet, once associated with an object, queues one packet whose key is the
 * association's key, with no OVERLAPPED and {@link AfdPort#POST_SIGNAL} as its byte count; the
 * association is then used up. Associating with an object that is already signalled queues the
 * packet at once. Cancelling with {@link #cancelPacket} undoes an association that has not fired,
 * and takes back a packet that is queued and not yet dequeued.
 *
 * <p>Like {@link AfdPort} this seam exists so that the logic above it runs against a fake on any
 * OS; {@link WindowsWaitPort} is the real thing. Not thread-safe: {@link Waits} calls it under the
 * selector's lock. Calls that return a handle return 0 on failure, and {@link #lastError()} then
 * says why, so that the caller can build a message naming the registration's token.
 */
interface WaitPort {
    /**
     * Why this Windows cannot give timers and process watches (no wait completion packets before
     * Windows 8), or null when it can.
     */
    String unavailable();

    /**
     * Creates a waitable timer: high resolution where Windows offers it (10 1803+), else plain.
     *
     * @return the handle, or 0 with {@link #lastError()} set to the Win32 error
     */
    long createTimer();

    /**
     * Arms {@code timer} for one expiry {@code relativeNanos} from now (rounded up to the timer's
     * 100 ns unit), replacing any earlier setting and clearing its signalled state.
     *
     * @return 0, or the Win32 error
     */
    int setTimer(long timer, long relativeNanos);

    /**
     * Disarms {@code timer}; its signalled state stays as it was.
     *
     * @return 0, or the Win32 error
     */
    int cancelTimer(long timer);

    /**
     * Creates a wait completion packet.
     *
     * @return the handle, or 0 with {@link #lastError()} set to the NTSTATUS
     */
    long createPacket();

    /**
     * Associates {@code packet} with {@code object} and the port: when {@code object} is signalled
     * (or already is), one packet with {@code key} is queued.
     *
     * @return the NTSTATUS; STATUS_SUCCESS when the association is made
     */
    int associate(long packet, long object, long key);

    /**
     * Undoes the association of {@code packet} and takes its packet off the port if it is queued.
     *
     * @return STATUS_SUCCESS (nothing will be dequeued), STATUS_CANCELLED (the packet had been
     *         dequeued already, or was not associated) or STATUS_PENDING (the wait is being
     *         satisfied: a packet may still be dequeued, and this packet object cannot be associated
     *         again until then), or another NTSTATUS for a failure
     */
    int cancelPacket(long packet);

    /**
     * Opens the process {@code pid} with SYNCHRONIZE and PROCESS_QUERY_LIMITED_INFORMATION.
     *
     * @return the handle, or 0 with {@link #lastError()} set to the Win32 error
     *         (ERROR_INVALID_PARAMETER when no process has that id)
     */
    long openProcess(long pid);

    /** Closes a handle this port returned; each exactly once. */
    void closeHandle(long handle);

    /** The error of the last call that returned 0 for a handle. */
    int lastError();

    /**
     * The clock the timers' due times are kept on: {@link System#nanoTime()} on Windows, so that
     * an expiry is never reported before its delay has passed by that clock.
     */
    long nanoTime();

    /** Releases the port's own memory; every handle it returned is closed by then. */
    void close();
}
