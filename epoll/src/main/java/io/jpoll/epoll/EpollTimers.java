package io.jpoll.epoll;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import io.jpoll.spi.EventSink;
import io.jpoll.spi.TimerQueue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A selector's timers: a {@link TimerQueue} in Java behind ONE timerfd, so that setting and
 * cancelling a timer is a heap operation and only moving the earliest deadline earlier makes a
 * timerfd_settime. The queue's entries are the selector's {@code TimerHandle}s; they own no fd.
 *
 * <p><b>Clock.</b> The timerfd counts CLOCK_MONOTONIC and is armed with TFD_TIMER_ABSTIME at the
 * queue's deadline, an absolute {@code System.nanoTime()} value: on Linux the JDK reads
 * {@code System.nanoTime} from {@code clock_gettime(CLOCK_MONOTONIC)} (os::javaTimeNanos), so the
 * kernel fires no earlier than the deadline, and the queue checks {@code now >= deadline} again.
 *
 * <p><b>Why an inner set.</b> Every bit of a registration's 64-bit data is the user's token, so the
 * timerfd registered in the selector's own set could not be told from a user's descriptor with
 * the same token; and a timerfd reports EPOLLIN alone, never the EPOLLRDNORM by which the
 * selector tells its own records apart. So the timerfd sits alone in an inner epoll set, whose
 * record in the selector's set asks for EPOLLRDNORM (which an epoll fd reports) with data
 * {@link #DATA}: the decoder knows it without a lookup and no token is reserved. It asks for
 * EPOLLIN too: a nested epoll wakes its watchers with the key EPOLLIN alone, and a record asking
 * for RDNORM alone would ignore it. The inner set is never waited on: the poller that sees its
 * record reads the timerfd directly, and an epoll fd is readable only while the timerfd is.
 *
 * <p><b>One drainer per firing.</b> Reading the timerfd returns its count and zeroes it
 * atomically, so of the pollers that see the record, one reads 8 bytes and drains the queue; the
 * others read EAGAIN and report nothing. The queue's lock makes each expiry reach one poller even
 * when two firings are drained at once.
 *
 * <p><b>Closing.</b> The fds live as long as the selector, which closes them once at its close,
 * after its pollers have left; a timer's close only takes its entry out of the queue.
 */
final class EpollTimers implements TimerQueue.Alarm {
    /** The data of the inner set's record in the selector's set. The nudge's is 0. */
    static final long DATA = 1;

    /** struct itimerspec { timespec it_interval; timespec it_value; }, 64-bit fields on LP64. */
    private static final int VALUE = 16;
    private static final long NANOS = 1_000_000_000L;

    private final EpollNative calls;
    private final int timerfd;
    private final int innerfd;
    /** The itimerspec of every arm, written under the queue's lock: no allocation per arm. */
    private final Memory spec = new Memory(32);
    private final ByteBuffer view = spec.getByteBuffer(0, 32).order(ByteOrder.nativeOrder());
    private final long address = Pointer.nativeValue(spec);
    private final TimerQueue queue = new TimerQueue(this);

    private EpollTimers(EpollNative calls, int timerfd, int innerfd) {
        this.calls = calls;
        this.timerfd = timerfd;
        this.innerfd = innerfd;
        spec.clear(); // it_interval stays 0: the queue re-arms for each deadline itself
    }

    /**
     * Makes the timerfd and the inner set holding it; the caller adds {@link #fd()} to its own set.
     *
     * @param owner names the selector in error messages
     */
    static EpollTimers open(EpollNative calls, EpollEventLayout layout, Object owner) throws IOException {
        int tfd = calls.timerfdCreate(EpollFlags.CLOCK_MONOTONIC, EpollFlags.TFD_CLOEXEC | EpollFlags.TFD_NONBLOCK);
        if (tfd < 0) {
            throw Errno.error("timerfd_create", null, -1, "(timers of " + owner + ")", -tfd);
        }
        int inner = calls.epollCreate1(EpollFlags.EPOLL_CLOEXEC);
        if (inner < 0) {
            calls.close(tfd);
            throw Errno.error("epoll_create1", null, -1, "(timers of " + owner + ")", -inner);
        }
        CtlRecord record = new CtlRecord();
        try {
            int errno = -calls.epollCtl(inner, EpollFlags.EPOLL_CTL_ADD, tfd, record.fill(layout, EpollFlags.EPOLLIN, 0));
            if (errno != 0) {
                calls.close(inner);
                calls.close(tfd);
                throw Errno.error("epoll_ctl(ADD)", "fd", tfd, "(timerfd of " + owner + ")", errno);
            }
        } finally {
            record.free();
        }
        return new EpollTimers(calls, tfd, inner);
    }

    /** The inner set's fd, which the selector adds to its own set. */
    int fd() {
        return innerfd;
    }

    /** A new disarmed timer: an entry of the queue, no fd of its own. */
    TimerQueue.Entry newTimer(long token) {
        return queue.newTimer(token);
    }

    @Override
    public void arm(long deadlineNanos) throws IOException {
        // An it_value of 0 would disarm: a deadline already past fires at once from 1 ns.
        long at = Math.max(1, deadlineNanos);
        view.putLong(VALUE, at / NANOS);
        view.putLong(VALUE + 8, at % NANOS);
        int r = calls.timerfdSettime(timerfd, EpollFlags.TFD_TIMER_ABSTIME, address, 0);
        if (r < 0) {
            throw Errno.error("timerfd_settime", "fd", timerfd, "(timers, deadline=" + at + "ns CLOCK_MONOTONIC)", -r);
        }
    }

    /**
     * Reports the due timers if this poller consumes the timerfd's firing. Called by a poller
     * whose wait returned the inner set's record, with its buffer free to reuse.
     *
     * @return true if the firing was this poller's (the queue was drained)
     */
    boolean drain(EpollBuffer buffer, EventSink sink) throws IOException {
        long got = calls.read(timerfd, buffer.scratch(), 8);
        if (got == 8) {
            queue.drainDue(System.nanoTime(), sink);
            return true;
        }
        if (got == -Errno.EAGAIN) {
            return false; // another poller read it first, or nothing fired since the last read
        }
        throw Errno.error("read", "fd", timerfd, "(timerfd)", (int) -got);
    }

    /** Closes the timerfd and the inner set, once, when the selector closes. */
    void close() {
        calls.close(innerfd);
        calls.close(timerfd);
        spec.close();
    }
}
