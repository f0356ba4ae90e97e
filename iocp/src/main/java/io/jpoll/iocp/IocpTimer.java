package io.jpoll.iocp;

import io.jpoll.NativeException;
import io.jpoll.spi.EventSink;
import io.jpoll.spi.TimerHandle;

/**
 * A timer on the completion port: a waitable timer (high resolution where Windows has it) and a
 * wait completion packet associated with it, which queues one packet when the timer fires.
 *
 * <p><b>Schedule.</b> The kernel timer is only ever armed for the next single expiry; the period
 * is kept here, on {@link WaitPort#nanoTime()} ({@link System#nanoTime()}), and each report arms
 * the kernel timer for the next due time of the schedule. So periods are as fine as the timer's
 * 100 ns unit (SetWaitableTimer's own period is whole milliseconds), the schedule does not drift,
 * and an expiry is never reported before its due time by {@code System.nanoTime()}: a kernel timer
 * that fires earlier than that clock says (the two clocks are read differently) is armed again
 * for the rest, without an event.
 *
 * <p><b>Count.</b> The packet says only that the timer fired; the count of an event is the number
 * of due times of the schedule that have passed since the last report, so expiries that came while
 * nobody polled (or while the packet waited in the port) are all counted, once.
 *
 * <p><b>Set and cancel.</b> Both forget the current key first (see {@link Waits}): no packet of an
 * earlier setting reports after they return. SetWaitableTimer also clears the timer's signalled
 * state, so a new association never sees a signal of the old setting.
 *
 * <p>If re-arming after a report fails, the event carries {@link EventSink#ERROR} as well and the
 * timer stays disarmed; the next {@link #set} reports the OS error as an exception.
 */
final class IocpTimer implements TimerHandle, Waits.Signalled {
    /** Longer delays and periods are capped here (about 146 years), which keeps due-time sums exact. */
    static final long MAX_NANOS = Long.MAX_VALUE / 2;

    private final Waits waits;
    private final long token;
    private final long timer;
    private long packet;
    /** The key of the current association, 0 when disarmed. */
    private long key;
    private long due;
    private long period;
    private boolean closed;

    IocpTimer(Waits waits, long token, long timer, long packet) {
        this.waits = waits;
        this.token = token;
        this.timer = timer;
        this.packet = packet;
    }

    @Override
    public void set(long delayNanos, long periodNanos) throws NativeException {
        synchronized (waits.lock) {
            if (closed) {
                return;
            }
            disarm();
            long delay = Math.min(Math.max(delayNanos, 1), MAX_NANOS);
            due = waits.os.nanoTime() + delay;
            period = Math.min(Math.max(periodNanos, 0), MAX_NANOS);
            arm(delay);
        }
    }

    @Override
    public void cancel() throws NativeException {
        synchronized (waits.lock) {
            if (closed) {
                return;
            }
            disarm();
            int error = waits.os.cancelTimer(timer);
            if (error != 0) {
                throw WinErrors.error("CancelWaitableTimer", "handle", timer, toString(), error);
            }
        }
    }

    @Override
    public void close() {
        synchronized (waits.lock) {
            if (closed) {
                return;
            }
            closed = true;
            waits.forget(key);
            key = 0;
            // Closing the packet ends its association, and closing the timer stops it; a packet
            // already queued finds no key.
            waits.os.closeHandle(packet);
            waits.os.closeHandle(timer);
            waits.closed(this);
        }
    }

    /** Forgets the current key and ends the packet's association, so that nothing stale reports. */
    private void disarm() throws NativeException {
        waits.forget(key);
        key = 0;
        packet = waits.release(packet, this);
    }

    /** Arms the kernel timer {@code relative} ns from now and associates the packet under a new key. */
    private void arm(long relative) throws NativeException {
        int error = waits.os.setTimer(timer, relative);
        if (error != 0) {
            throw WinErrors.error("SetWaitableTimer", "handle", timer, toString(), error);
        }
        long k = waits.key(this);
        int status = waits.associate(packet, timer, k);
        if (status != WinErrors.STATUS_SUCCESS) {
            waits.forget(k);
            throw waits.associateFailed(packet, this, status);
        }
        key = k;
    }

    @Override
    public void signalled(EventSink sink) {
        long now = waits.os.nanoTime();
        long late = now - due;
        if (late < 0) {
            // Fired before System.nanoTime says it is due: wait for the rest, with the same key.
            if (!rearm(-late)) {
                sink.add(token, EventSink.ERROR, 0);
            }
            return;
        }
        long count = 1;
        if (period == 0) {
            waits.forget(key);
            key = 0;
            sink.add(token, EventSink.READABLE, count);
            return;
        }
        count += late / period;
        due += count * period;
        boolean armed = rearm(due - now);
        sink.add(token, armed ? EventSink.READABLE : EventSink.READABLE | EventSink.ERROR, count);
    }

    /**
     * Arms the kernel timer again for the same setting, keeping the key (the association it used
     * was consumed by the packet just dequeued). False if the OS refused: the timer is disarmed.
     */
    private boolean rearm(long relative) {
        if (waits.os.setTimer(timer, relative) == 0
                && waits.associate(packet, timer, key) == WinErrors.STATUS_SUCCESS) {
            return true;
        }
        waits.forget(key);
        key = 0;
        return false;
    }

    /** Names it in messages, like {@code timer token=5}. */
    @Override
    public String toString() {
        return "timer token=" + token;
    }

    /** For tests. */
    long timerHandle() {
        return timer;
    }

    /** For tests. */
    long packetHandle() {
        synchronized (waits.lock) {
            return packet;
        }
    }
}
