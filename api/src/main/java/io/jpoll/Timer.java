package io.jpoll;

import io.jpoll.spi.TimerHandle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

/**
 * A timer owned by a {@link Poll}: its expiries are events with its token, readable, and
 * {@link Events#expirations(int)} says how many expiries each event stands for. Any number of
 * timers may exist per Poll; none costs a thread. Made by {@link Poll#timer(long)}, disarmed.
 *
 * <pre>{@code
 * Timer timeout = poll.timer(TIMEOUT_TOKEN);
 * timeout.set(Duration.ofMillis(250));                          // once
 * tick.set(Duration.ofSeconds(1), Duration.ofSeconds(1));       // every second
 * }</pre>
 *
 * <p><b>Merging and draining.</b> Expiries that come faster than the program polls merge into one
 * event whose count is their number. Nothing needs draining: reporting the event consumes the
 * count. A periodic timer stays armed; a one-shot timer is disarmed by its expiry, and
 * {@link #set} arms it again. With concurrent pollers each expiry is reported to exactly one.
 *
 * <p><b>Never early, never stale.</b> An expiry is never reported before its delay has passed
 * since {@link #set} was called, measured against {@link System#nanoTime()}. Once {@link #set} or
 * {@link #cancel()} has returned, no poll that starts afterwards reports an expiry of the earlier
 * setting. A poll already under way on another thread may still report an expiry that it consumed
 * before the call took effect: that expiry happened first.
 *
 * <p><b>Precision.</b> Nanoseconds on Linux (timerfd on {@code CLOCK_MONOTONIC}), on macOS, on
 * FreeBSD 12+ and over libkqueue 2.6+ ({@code EVFILT_TIMER} with {@code NOTE_NSECONDS}); whole
 * milliseconds, rounded up, where the kqueue has no finer unit (FreeBSD 11, NetBSD, OpenBSD,
 * DragonFly, older libkqueue); on Windows the waitable timer's 100 ns ticks, rounded up (about
 * 15.6 ms ticks before Windows 10 1803, which lacks high-resolution timers). Delays beyond what the
 * OS holds (hundreds of years) are capped there.
 *
 * <p><b>Cost.</b> No timer costs a thread, and an armed idle timer costs a poll nothing. On Linux
 * all timers of a Poll share one timerfd behind a deadline heap, so {@link #set} and
 * {@link #cancel()} make a system call only when the Poll's earliest deadline moves earlier; on
 * kqueue and Windows each of them is one system call.
 *
 * <p><b>Closing.</b> {@link #close()} disarms the timer and releases its native handle; after it,
 * or after the Poll closed, {@link #set} and {@link #cancel()} do nothing, as {@link Waker#wake()}
 * does after its close. Close semantics are the {@link Waker}'s: {@link Poll#close()} releases
 * every timer not closed yet, exactly once.
 */
public final class Timer extends PollOwned {
    private final TimerHandle handle;

    Timer(Poll poll, long token, TimerHandle handle) {
        super(poll, token);
        this.handle = handle;
    }

    /**
     * Arms the timer for a single expiry after {@code delay}, replacing any earlier setting.
     *
     * @param delay how long from now, zero or more; zero expires at once
     * @throws NullPointerException     if {@code delay} is null
     * @throws IllegalArgumentException if {@code delay} is negative
     * @throws UncheckedIOException     if the OS refuses
     */
    public void set(Duration delay) {
        set(delay, Duration.ZERO);
    }

    /**
     * Arms the timer for a first expiry after {@code delay}, then one every {@code period},
     * replacing any earlier setting and discarding its expiries not yet reported.
     *
     * @param delay  how long from now until the first expiry, zero or more
     * @param period the time between later expiries, or {@link Duration#ZERO} for a single expiry
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if an argument is negative
     * @throws UncheckedIOException     if the OS refuses
     */
    public void set(Duration delay, Duration period) {
        long delayNanos = nanos("delay", delay);
        long periodNanos = nanos("period", period);
        apply(Math.max(1, delayNanos), periodNanos);
    }

    /**
     * Disarms the timer and discards its expiries not yet reported. Disarming a disarmed timer is
     * allowed and does nothing.
     *
     * @throws UncheckedIOException if the OS refuses
     */
    public void cancel() {
        apply(-1, 0);
    }

    /** set with delayNanos >= 1, or cancel with -1; serialised per timer, as the SPI asks. */
    private void apply(long delayNanos, long periodNanos) {
        if (!enter()) {
            return;
        }
        try {
            synchronized (this) {
                if (delayNanos < 0) {
                    handle.cancel();
                } else {
                    handle.set(delayNanos, periodNanos);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            exit();
        }
    }

    @Override
    void closeHandle() {
        handle.close();
    }

    private long nanos(String what, Duration d) {
        if (d == null) { // not requireNonNull with a lambda: that would allocate on every set
            throw new NullPointerException("Timer.set token=" + token() + ": " + what + " is null");
        }
        if (d.isNegative()) {
            throw new IllegalArgumentException("Timer.set token=" + token() + ": " + what + " is negative: " + d);
        }
        // Beyond about 292 years: the backend caps it at what the OS holds anyway.
        return d.getSeconds() >= Long.MAX_VALUE / 1_000_000_000L ? Long.MAX_VALUE : d.toNanos();
    }

    @Override
    public String toString() {
        return "Timer{token=" + token() + (isReleased() ? ", closed" : "") + "}";
    }
}
