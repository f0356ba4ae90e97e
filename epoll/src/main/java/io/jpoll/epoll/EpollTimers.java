package io.jpoll.epoll;

import io.jpoll.spi.EventSink;

import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.locks.StampedLock;

/**
 * A selector's timers: one timerfd per timer, all in an inner epoll set of their own, whose fd
 * sits in the selector's set.
 *
 * <p><b>Why an inner set.</b> Every bit of a registration's 64-bit data is the user's token, so a
 * timerfd registered in the selector's own set with its token could not be told from a user's
 * descriptor with the same token, and the poller must know it is a timer's to read the count.
 * In the inner set the data is the timer's slot here instead; the inner set's own record in the
 * selector's set asks for EPOLLRDNORM, a bit no user registration asks for (as the interrupt
 * nudge does), with data {@link #DATA}: so the decoder knows it without a lookup and no token is
 * reserved. (It asks for EPOLLIN too, which an epoll fd reports alongside: a nested epoll wakes
 * its watchers with the key EPOLLIN alone, and a record asking for RDNORM alone ignores it.) The slot table is an array: no allocation per expiry.
 *
 * <p><b>Trigger.</b> Each timerfd is edge-triggered in the inner set. A timerfd wakes its waiters on
 * every expiry, so every expiry is a new edge, and a periodic timer keeps firing whether or not
 * anyone has read it; an edge hands the record to one inner epoll_wait only. The poller that gets
 * the record reads the timerfd, which returns the expiries so far and zeroes them atomically: so
 * each expiry is counted by exactly one poller, even when an expiry comes between the record and
 * the read (the read counts it, and its new edge later reads EAGAIN and is dropped). EPOLLONESHOT
 * would give the same with a re-arm (an epoll_ctl) per expiry; level triggering would wake every
 * poller for one expiry. The inner set's record in the selector's set is level-triggered, so
 * expiries beyond what a poll can take are left for the next poll, and epoll_wait on the selector
 * reports it only while an inner record is ready (an edge-triggered record whose count a cancel
 * reset to zero is not ready any more).
 *
 * <p><b>Never stale.</b> timerfd_settime zeroes the count, so after a re-set or cancel has
 * returned, a read finds only expiries of the new setting, and a record left from the old one
 * reads EAGAIN and is dropped.
 *
 * <p><b>Closing.</b> A poller reads a timerfd by its number, so a timer's fd must not be closed
 * (and its number reused) between the inner epoll_wait that named it and the read. Pollers drain
 * under the read side of a {@link StampedLock} (no allocation without a writer), and making or
 * closing a timer takes the write side: short, since a drain makes only non-blocking calls.
 */
final class EpollTimers {
    /** The data of the inner set's record in the selector's set. The nudge's is 0. */
    static final long DATA = 1;

    private final EpollNative calls;
    private final EpollEventLayout layout;
    private final int epfd;
    private final StampedLock lock = new StampedLock();
    /** Guarded by {@link #lock}: the timer in each slot, or null. */
    private EpollTimer[] slots = new EpollTimer[16];
    /** Guarded by {@link #lock}: free slot numbers, a stack. */
    private int[] free = new int[0];
    private int freeCount;
    private int used;

    EpollTimers(EpollNative calls, EpollEventLayout layout, int epfd) {
        this.calls = calls;
        this.layout = layout;
        this.epfd = epfd;
    }

    /** The inner set's fd, which the selector adds to its own set and closes. */
    int fd() {
        return epfd;
    }

    /** Makes a disarmed timer: a timerfd added to the inner set with its slot as data. */
    EpollTimer add(long token, CtlRecord record) throws IOException {
        int fd = calls.timerfdCreate(EpollFlags.CLOCK_MONOTONIC, EpollFlags.TFD_CLOEXEC | EpollFlags.TFD_NONBLOCK);
        if (fd < 0) {
            throw Errno.exception("timerfd_create", -1, "(timer token=" + token + ")", -fd);
        }
        long stamp = lock.writeLock();
        try {
            int slot = freeCount > 0 ? free[--freeCount] : used++;
            if (slot == slots.length) {
                slots = Arrays.copyOf(slots, slots.length * 2);
            }
            int errno = -calls.epollCtl(epfd, EpollFlags.EPOLL_CTL_ADD, fd,
                    record.fill(layout, EpollFlags.EPOLLIN | EpollFlags.EPOLLET, slot));
            if (errno != 0) {
                release(slot);
                calls.close(fd);
                throw Errno.exception("epoll_ctl(ADD)", fd, "(timer token=" + token + ")", errno);
            }
            EpollTimer timer = new EpollTimer(this, calls, fd, slot, token);
            slots[slot] = timer;
            return timer;
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /** Takes the timer out of the set and closes its fd, once no poller can be reading it. */
    void remove(EpollTimer timer) {
        long stamp = lock.writeLock();
        try {
            // Closing the fd removes it from the inner set as well; the DEL says so explicitly.
            calls.epollCtl(epfd, EpollFlags.EPOLL_CTL_DEL, timer.fd, 0);
            calls.close(timer.fd);
            slots[timer.slot] = null;
            release(timer.slot);
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    private void release(int slot) {
        if (freeCount == free.length) {
            free = Arrays.copyOf(free, Math.max(16, free.length * 2));
        }
        free[freeCount++] = slot;
    }

    /**
     * Reports the timers that have expired, as many as {@code sink} has room for, each as one
     * event with the count its timerfd read. Called by a poller after its own wait returned the
     * inner set's record, with its buffer free to reuse (its records are decoded).
     */
    void drain(EpollBuffer buffer, EventSink sink) throws IOException {
        int max = Math.min(sink.remaining(), buffer.capacity());
        if (max <= 0) {
            return;
        }
        long stamp = lock.readLock();
        try {
            int n = calls.epollWait(epfd, buffer.address(), max, 0);
            if (n < 0) {
                // A zero timeout never sleeps, so EINTR cannot come; anything else is a bug here.
                throw Errno.exception("epoll_wait", epfd, "(timers)", -n);
            }
            EpollTimer[] table = slots;
            long target = buffer.scratch();
            for (int i = 0; i < n; i++) {
                EpollTimer timer = table[(int) buffer.data(i)];
                // read returns 8 bytes or EAGAIN: a re-set or cancel zeroed the count after the
                // edge, or another poller read it first. Either way there is nothing to report.
                if (timer != null && calls.read(timer.fd, target, 8) == 8) {
                    sink.add(timer.token, EventSink.READABLE, buffer.scratchLong());
                }
            }
        } finally {
            lock.unlockRead(stamp);
        }
    }
}
