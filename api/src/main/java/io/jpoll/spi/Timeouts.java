package io.jpoll.spi;

/**
 * The timeout arithmetic every select loop needs, in one place: a deadline that survives EINTR and
 * spurious wakes, millisecond rounding that never wakes early, and the {@code struct timespec}
 * fields. Static and allocation-free, for the hot path.
 *
 * <p>Timeouts are in nanoseconds as {@link Selector#select} receives them: {@link #NO_TIMEOUT}
 * (any negative value) waits without bound, {@link #NO_WAIT} (0) does not block, anything else is
 * the longest wait. Deadlines use the same two constants for those two cases; a real deadline is
 * always positive, so the three never collide.
 */
public final class Timeouts {
    /** No timeout: wait until an event. Any negative timeout means this. */
    public static final long NO_TIMEOUT = -1L;
    /** Do not block. */
    public static final long NO_WAIT = 0L;

    private static final long NANOS_PER_MILLI = 1_000_000L;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    /**
     * Deadlines count from here, so that a real one is positive (System.nanoTime() may be any
     * value, 0 and -1 included) and an overflow of now + timeout can be seen and saturated.
     */
    private static final long ORIGIN = System.nanoTime();

    private Timeouts() {
    }

    /**
     * The moment a wait of {@code timeoutNanos} that starts now must end, for {@link #remaining}.
     *
     * @param timeoutNanos negative: no timeout; 0: do not block; otherwise the longest wait
     * @return {@link #NO_TIMEOUT} for a negative timeout, and for one so long that the deadline
     *         would overflow (about 292 years: longer than any OS waits); {@link #NO_WAIT} for 0;
     *         otherwise a positive deadline
     */
    public static long deadline(long timeoutNanos) {
        if (timeoutNanos <= 0) {
            return timeoutNanos < 0 ? NO_TIMEOUT : NO_WAIT;
        }
        long deadline = now() + timeoutNanos;
        return deadline > 0 ? deadline : NO_TIMEOUT; // saturates: an overflow waits forever
    }

    /**
     * What is left of a wait, to resume it after an EINTR or a wake that brought no event.
     *
     * @param deadline what {@link #deadline} returned
     * @return {@link #NO_TIMEOUT} for no deadline; otherwise the nanoseconds left, 0 once the
     *         deadline has passed (and for {@link #NO_WAIT}): the caller stops waiting then
     */
    public static long remaining(long deadline) {
        if (deadline <= 0) {
            return deadline < 0 ? NO_TIMEOUT : NO_WAIT;
        }
        return Math.max(0L, deadline - now());
    }

    /**
     * A timeout as the whole milliseconds of {@code epoll_wait} (an {@code int}) or
     * {@code GetQueuedCompletionStatusEx} (a {@code DWORD}). A sub-millisecond part rounds up, so
     * the wait is never shorter than asked; a wait longer than the cap waits forever, as
     * {@link Selector#select} allows for waits beyond the OS maximum.
     *
     * @param timeoutNanos negative: no timeout; 0: do not block; otherwise the longest wait
     * @param capMillis    the longest finite wait the call takes, read as unsigned so that a
     *                     {@code DWORD} cap fits: {@code Integer.MAX_VALUE} for an {@code int},
     *                     {@code 0xFFFFFFFE} for a {@code DWORD} whose all-ones value is INFINITE
     * @return -1 (which is also the DWORD INFINITE) for no timeout and beyond the cap, 0 for 0,
     *         otherwise the milliseconds rounded up, as the call's bits (a DWORD above
     *         {@code Integer.MAX_VALUE} reads as a negative int)
     */
    public static int millisRoundedUp(long timeoutNanos, int capMillis) {
        if (timeoutNanos < 0) {
            return -1;
        }
        long millis = timeoutNanos / NANOS_PER_MILLI + (timeoutNanos % NANOS_PER_MILLI == 0 ? 0 : 1);
        return millis > Integer.toUnsignedLong(capMillis) ? -1 : (int) millis;
    }

    /**
     * A timeout with the cap of a call that takes a {@code struct timespec}: at or beyond
     * {@code maxSeconds} it waits forever (a NULL timespec), as {@link Selector#select} allows for
     * waits beyond the OS maximum. kqueue's cap depends on the implementation (libkqueue turns the
     * timespec into an {@code int} of milliseconds); {@code epoll_pwait2}'s is
     * {@code Long.MAX_VALUE}, which leaves every finite timeout finite.
     *
     * @param timeoutNanos negative: no timeout; 0: do not block; otherwise the longest wait
     * @param maxSeconds   timeouts of this many seconds or more wait without a bound; positive
     * @return {@code timeoutNanos}, or {@link #NO_TIMEOUT} when it is negative or at the cap
     */
    public static long capped(long timeoutNanos, long maxSeconds) {
        if (timeoutNanos < 0) {
            return NO_TIMEOUT;
        }
        // Compared in seconds first, so that a cap beyond Long.MAX_VALUE nanoseconds cannot overflow.
        if (maxSeconds <= timeoutNanos / NANOS_PER_SECOND) {
            return NO_TIMEOUT;
        }
        return timeoutNanos;
    }

    /**
     * The {@code tv_sec} of a {@code struct timespec} for a finite timeout.
     *
     * @param nanos a timeout of 0 or more nanoseconds (apply {@link #capped} first)
     * @return the whole seconds
     * @throws IllegalArgumentException for a negative timeout, which has no timespec (pass NULL)
     */
    public static long timespecSeconds(long nanos) {
        return nonNegative(nanos) / NANOS_PER_SECOND;
    }

    /**
     * The {@code tv_nsec} of a {@code struct timespec} for a finite timeout: 0 to 999,999,999.
     *
     * @param nanos a timeout of 0 or more nanoseconds (apply {@link #capped} first)
     * @return the nanoseconds beyond the whole seconds
     * @throws IllegalArgumentException for a negative timeout, which has no timespec (pass NULL)
     */
    public static long timespecNanos(long nanos) {
        return nonNegative(nanos) % NANOS_PER_SECOND;
    }

    private static long nonNegative(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("Timeouts: no timespec for a negative timeout (" + nanos
                    + " ns); pass NULL to wait without a bound");
        }
        return nanos;
    }

    private static long now() {
        return System.nanoTime() - ORIGIN;
    }
}
