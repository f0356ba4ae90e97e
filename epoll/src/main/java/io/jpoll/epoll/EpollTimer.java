package io.jpoll.epoll;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import io.jpoll.spi.TimerHandle;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One timer: a timerfd on CLOCK_MONOTONIC (the clock of {@code System.nanoTime}) in its
 * selector's {@link EpollTimers} set. Set and cancel write its own {@code struct itimerspec},
 * made once with the timer, through a ByteBuffer view, and make one timerfd_settime: no
 * allocation. A relative expiry counts from the moment the kernel takes the call, which is after
 * the caller started it, so an expiry is never early against System.nanoTime.
 */
final class EpollTimer implements TimerHandle {
    /** struct itimerspec { timespec it_interval; timespec it_value; }, 64-bit fields on LP64. */
    private static final int INTERVAL = 0;
    private static final int VALUE = 16;
    private static final long NANOS = 1_000_000_000L;

    final int fd;
    final int slot;
    final long token;
    private final EpollTimers timers;
    private final EpollNative calls;
    private final Memory spec = new Memory(32);
    private final ByteBuffer view = spec.getByteBuffer(0, 32).order(ByteOrder.nativeOrder());
    private final long address = Pointer.nativeValue(spec);

    EpollTimer(EpollTimers timers, EpollNative calls, int fd, int slot, long token) {
        this.timers = timers;
        this.calls = calls;
        this.fd = fd;
        this.slot = slot;
        this.token = token;
    }

    @Override
    public void set(long delayNanos, long periodNanos) throws IOException {
        // delayNanos >= 1 (the API's promise): an it_value of zero would disarm instead.
        settime(delayNanos, periodNanos, "set");
    }

    @Override
    public void cancel() throws IOException {
        settime(0, 0, "cancel");
    }

    private void settime(long valueNanos, long intervalNanos, String what) throws IOException {
        view.putLong(INTERVAL, intervalNanos / NANOS);
        view.putLong(INTERVAL + 8, intervalNanos % NANOS);
        view.putLong(VALUE, valueNanos / NANOS);
        view.putLong(VALUE + 8, valueNanos % NANOS);
        int r = calls.timerfdSettime(fd, 0, address, 0);
        if (r < 0) {
            throw Errno.exception("timerfd_settime", fd, "(timer token=" + token + " " + what
                    + " delay=" + valueNanos + "ns period=" + intervalNanos + "ns)", -r);
        }
    }

    @Override
    public void close() {
        timers.remove(this);
        spec.close();
    }

    @Override
    public String toString() {
        return "EpollTimer{fd=" + fd + ", token=" + token + "}";
    }
}
