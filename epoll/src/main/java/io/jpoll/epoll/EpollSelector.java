package io.jpoll.epoll;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import io.jpoll.AlreadyRegisteredException;
import io.jpoll.Interests;
import io.jpoll.NotRegisteredException;
import io.jpoll.Trigger;
import io.jpoll.spi.BufferPool;
import io.jpoll.spi.EventSink;
import io.jpoll.spi.Selector;
import io.jpoll.spi.Timeouts;
import io.jpoll.spi.WakerHandle;

import java.io.IOException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One epoll instance. The token is the 64-bit {@code data} of each registration, so events decode
 * straight from the kernel's records into the sink with no lookup, and no token is reserved.
 *
 * <p>Closing: a level-triggered eventfd, the close signal, joins the epoll set when the selector
 * is made, as OpenJDK's EPollSelectorImpl does with its wakeup eventfd. Adding it then means
 * that an epoll_ctl the kernel refuses (ENOSPC once {@code fs.epoll.max_user_watches} is
 * reached, ENOMEM) fails {@code Poll.open()}, where the caller can handle it, instead of leaving
 * {@code close()} unable to wake a poller that waits without a timeout. {@link #interrupt()}
 * then only writes to it, from a buffer allocated up front. epoll wakes one waiter, and every
 * waiter that collects a level-triggered event re-queues it and wakes the next
 * (fs/eventpoll.c, ep_done_scan), so every blocked thread returns, and any thread that arrives
 * later returns at once. The API's gate then waits for all of them before {@link #close()}
 * closes the epoll fd, so no thread ever calls epoll on a closed or reused fd number.
 *
 * <p>Interrupts: {@code Thread.interrupt()} of a poller raises the nudge, a pipe holding one byte,
 * level-triggered like the close signal, so it wakes every waiter; the API lets the interrupted
 * one return and the others wait on, and clears the nudge once the interrupted ones have woken.
 * Its records must never reach the user, yet no token is reserved: the pipe's read end is
 * registered for EPOLLRDNORM alone, a bit no registration asks for, and the kernel reports only
 * the bits asked for (plus ERR and HUP), so a record carrying it can only be the nudge's. (An
 * eventfd reports no such bit, hence a pipe, {@link NudgePipe}.)
 */
final class EpollSelector implements Selector {
    private static final int POOL_SLOTS = 8;
    /**
     * The most records one poll fetches, so a pooled buffer stays under 256 KiB however large the
     * Events; the rest come with the next poll, as the contract allows. (A second epoll_wait in
     * the same poll is no way around it: epoll re-queues level-triggered records at the tail, so
     * it could return the same registration twice.)
     */
    static final int MAX_BATCH = 16384;
    /** epoll_wait's timeout is an int of milliseconds; longer waits are infinite. */
    private static final int MAX_MILLIS = Integer.MAX_VALUE;
    /**
     * epoll_pwait2 takes any timespec; only timeouts within a second of {@code Long.MAX_VALUE} (what
     * the API passes for a duration beyond a long) wait forever instead, through epoll_wait.
     */
    private static final long PWAIT2_MAX_SECONDS = Long.MAX_VALUE / 1_000_000_000L;

    private final EpollEventLayout layout;
    private final EpollNative calls;
    private final int epfd;
    private final int interruptFd;
    /** 8 bytes holding 1: what {@link #interrupt()} adds to the close signal's counter. */
    private final Memory one;
    private final NudgePipe nudge;
    private final BufferPool<EpollBuffer> buffers = new BufferPool<>(POOL_SLOTS);
    private final BufferPool<CtlRecord> ctlRecords = new BufferPool<>(POOL_SLOTS);
    // Made once, so that taking from and giving to the pools allocates nothing.
    private final Supplier<EpollBuffer> newBuffer;
    private final Consumer<EpollBuffer> freeBuffer = EpollBuffer::free;
    private final Supplier<CtlRecord> newRecord = CtlRecord::new;
    private final Consumer<CtlRecord> freeRecord = CtlRecord::free;
    private final boolean nanosecondTimeouts;
    private volatile boolean closing;
    /**
     * The timers' queue and its one timerfd in an inner epoll set, made at the first timer under
     * this selector's lock; null until then. Its record here is told apart as the nudge's is, by EPOLLRDNORM, and from the nudge
     * by its data, {@link EpollTimers#DATA}.
     */
    private volatile EpollTimers timers;
    /** The processes watched, through descriptors this selector owns, with the user's tokens. */
    private final EpollProcesses processes;

    /**
     * A test's stand-in for a kernel that has run out of epoll watches (ENOSPC at
     * {@code fs.epoll.max_user_watches}) or memory (ENOMEM): when non-zero, every epoll_ctl(ADD)
     * of every selector fails with this errno before reaching the kernel. Package-private; only
     * tests set it, and they reset it.
     */
    static volatile int injectedAddErrno;

    EpollSelector(EpollEventLayout layout, boolean usePwait2) throws IOException {
        this(layout, usePwait2, EpollBinding.NATIVE);
    }

    /** With a given binding: tests run both on one JVM; production passes {@link EpollBinding#NATIVE}. */
    EpollSelector(EpollEventLayout layout, boolean usePwait2, EpollNative calls) throws IOException {
        this.layout = layout;
        this.calls = calls;
        this.newBuffer = () -> new EpollBuffer(layout);
        this.nudge = new NudgePipe(calls, fd -> ctl(EpollFlags.EPOLL_CTL_ADD, fd, EpollFlags.EPOLLRDNORM, 0));
        int ep = calls.epollCreate1(EpollFlags.EPOLL_CLOEXEC);
        if (ep < 0) {
            throw Errno.error("epoll_create1", null, -1, null, -ep);
        }
        int efd = calls.eventfd(0, EpollFlags.EFD_CLOEXEC | EpollFlags.EFD_NONBLOCK);
        if (efd < 0) {
            calls.close(ep);
            throw Errno.error("eventfd", null, -1, "(close signal of a new Poll)", -efd);
        }
        this.epfd = ep;
        this.interruptFd = efd;
        // Data 0 is no reserved token: the signal is readable only once closing is set, and from
        // then on select reports nothing at all.
        int errno = ctl(EpollFlags.EPOLL_CTL_ADD, efd, EpollFlags.EPOLLIN, 0);
        if (errno != 0) {
            calls.close(efd);
            calls.close(ep);
            ctlRecords.drain(freeRecord);
            throw Errno.error("epoll_ctl(ADD)", "fd", efd, "(close signal of a new Poll)", errno);
        }
        this.one = new Memory(8);
        one.setLong(0, 1);
        this.nanosecondTimeouts = usePwait2 && EpollPwait2.available(calls, ep);
        this.processes = new EpollProcesses(calls, this::ctl);
    }

    boolean nanosecondTimeouts() {
        return nanosecondTimeouts;
    }

    @Override
    public boolean supports(Trigger trigger) {
        return true;
    }

    @Override
    public void register(long handle, long token, Interests interests) throws IOException {
        int fd = (int) handle;
        int errno = ctl(EpollFlags.EPOLL_CTL_ADD, fd, EpollFlags.toEpoll(interests), token);
        if (errno == 0) {
            return;
        }
        if (errno == Errno.EEXIST) {
            throw new AlreadyRegisteredException("Registry.register", "fd", fd, token, "epoll_ctl(ADD): EEXIST");
        }
        throw Errno.error("epoll_ctl(ADD)", "fd", fd, "token=" + token + " interests=" + interests, errno);
    }

    @Override
    public void reregister(long handle, long token, Interests interests) throws IOException {
        int fd = (int) handle;
        int errno = ctl(EpollFlags.EPOLL_CTL_MOD, fd, EpollFlags.toEpoll(interests), token);
        if (errno == 0) {
            return;
        }
        if (errno == Errno.ENOENT) {
            throw new NotRegisteredException("Registry.reregister", "fd", fd, token, "epoll_ctl(MOD): ENOENT");
        }
        throw Errno.error("epoll_ctl(MOD)", "fd", fd, "token=" + token + " interests=" + interests, errno);
    }

    @Override
    public void deregister(long handle) throws IOException {
        int fd = (int) handle;
        // Since Linux 2.6.9 DEL ignores the event argument; NULL is fine.
        int errno = -calls.epollCtl(epfd, EpollFlags.EPOLL_CTL_DEL, fd, 0);
        if (errno == 0) {
            return;
        }
        if (errno == Errno.ENOENT) {
            throw new NotRegisteredException("Registry.deregister", "fd", fd, "epoll_ctl(DEL): ENOENT");
        }
        throw Errno.error("epoll_ctl(DEL)", "fd", fd, null, errno);
    }

    /** epoll_ctl with an event record from a small pool; returns 0 or errno. */
    private int ctl(int op, int fd, int events, long token) {
        if (op == EpollFlags.EPOLL_CTL_ADD && injectedAddErrno != 0) {
            return injectedAddErrno;
        }
        CtlRecord record = ctlRecords.takeOrCreate(newRecord);
        try {
            return -calls.epollCtl(epfd, op, fd, record.fill(layout, events, token));
        } finally {
            ctlRecords.giveOrFree(record, freeRecord);
        }
    }

    @Override
    public void select(EventSink sink, long timeoutNanos) throws IOException {
        if (sink.remaining() == 0) {
            return;
        }
        int batch = Math.min(sink.remaining(), MAX_BATCH);
        EpollBuffer buffer = buffers.takeOrCreate(newBuffer);
        try {
            buffer.ensure(batch);
            long deadline = Timeouts.deadline(timeoutNanos);
            long remaining = timeoutNanos;
            for (;;) {
                int n = waitRetryingSignals(buffer, batch, remaining);
                if (n <= 0 || closing) {
                    return;
                }
                int before = sink.size();
                int internal = decode(buffer, n, sink);
                if (internal == TIMERS) {
                    timers.drain(buffer, sink);
                }
                // The timer queue's one timerfd fires early after a cancel or a later re-set, and
                // then reports nothing: that wake-up is no event, so wait on with the time left.
                if (sink.size() != before || internal != TIMERS || remaining == 0) {
                    return;
                }
                remaining = Timeouts.remaining(deadline);
                if (remaining == 0) {
                    return;
                }
            }
        } finally {
            buffers.giveOrFree(buffer, freeBuffer);
        }
    }

    /** epoll_wait, resumed after EINTR with the time that is left; returns the record count. */
    private int waitRetryingSignals(EpollBuffer buffer, int max, long timeoutNanos) throws IOException {
        long deadline = Timeouts.deadline(timeoutNanos);
        long remaining = timeoutNanos;
        for (;;) {
            int n = waitOnce(buffer, max, remaining);
            if (n >= 0) {
                return n;
            }
            int errno = -n;
            if (errno != Errno.EINTR) {
                throw Errno.error("epoll_wait", "fd", epfd, null, errno);
            }
            remaining = Timeouts.remaining(deadline);
            if (closing || remaining == 0) {
                return 0;
            }
        }
    }

    private int waitOnce(EpollBuffer buffer, int max, long nanos) {
        if (nanos > 0 && nanosecondTimeouts && Timeouts.capped(nanos, PWAIT2_MAX_SECONDS) > 0) {
            return calls.epollPwait2(epfd, buffer.address(), max, buffer.timespec(nanos), 0);
        }
        return calls.epollWait(epfd, buffer.address(), max, Timeouts.millisRoundedUp(nanos, MAX_MILLIS));
    }

    /** What {@link #decode} saw besides user events: the timers' record, the nudge's. */
    private static final int TIMERS = 1;
    private static final int NUDGE = 2;

    /**
     * Adds the records' events to the sink; returns {@link #TIMERS} and {@link #NUDGE} bits for the
     * selector's own records among them. The caller drains the timers into the room left (at
     * least one slot: their record took none).
     */
    private static int decode(EpollBuffer buffer, int n, EventSink sink) {
        int internal = 0;
        for (int i = 0; i < n; i++) {
            int events = buffer.events(i);
            if ((events & EpollFlags.EPOLLRDNORM) == 0) {
                sink.add(buffer.data(i), EpollFlags.toReadiness(events));
            } else if (buffer.data(i) == EpollTimers.DATA) {
                internal |= TIMERS;
            } else {
                internal |= NUDGE;
            }
        }
        return internal;
    }

    @Override
    public WakerHandle newWaker(long token) throws IOException {
        int fd = calls.eventfd(0, EpollFlags.EFD_CLOEXEC | EpollFlags.EFD_NONBLOCK);
        if (fd < 0) {
            throw Errno.error("eventfd", null, -1, "(waker token=" + token + ")", -fd);
        }
        int errno = ctl(EpollFlags.EPOLL_CTL_ADD, fd, EpollFlags.EPOLLIN | EpollFlags.EPOLLET, token);
        if (errno != 0) {
            calls.close(fd);
            throw Errno.error("epoll_ctl(ADD)", "fd", fd, "(waker token=" + token + ")", errno);
        }
        return new EventFdWaker(fd, calls);
    }

    /** A timer of this selector's one {@link EpollTimers} queue: no fd or syscall per timer. */
    @Override
    public io.jpoll.spi.TimerHandle newTimer(long token) throws IOException {
        return timers().newTimer(token);
    }

    /** The timers' queue, timerfd and inner set, made and added to this set at the first call. */
    private synchronized EpollTimers timers() throws IOException {
        EpollTimers t = timers;
        if (t != null) {
            return t;
        }
        t = EpollTimers.open(calls, layout, this);
        // IN as well as RDNORM: a nested epoll wakes its watchers with the key EPOLLIN alone, which
        // a record asking for RDNORM alone would ignore (ep_poll_callback), missing every expiry.
        int errno = ctl(EpollFlags.EPOLL_CTL_ADD, t.fd(), EpollFlags.EPOLLIN | EpollFlags.EPOLLRDNORM, EpollTimers.DATA);
        if (errno != 0) {
            int inner = t.fd();
            t.close();
            throw Errno.error("epoll_ctl(ADD)", "fd", inner, "(timers of " + this + ")", errno);
        }
        timers = t;
        return t;
    }

    @Override
    public void registerProcess(ProcessHandle process, long token, Interests interests) throws IOException {
        processes.register(process, token, interests);
    }

    @Override
    public void reregisterProcess(ProcessHandle process, long token, Interests interests) throws IOException {
        processes.reregister(process, token, interests);
    }

    @Override
    public void deregisterProcess(ProcessHandle process) throws IOException {
        processes.deregister(process);
    }

    /** The epoll fd: readable while a record is ready, including the interrupt nudge's. */
    @Override
    public java.util.OptionalInt descriptor() {
        return java.util.OptionalInt.of(epfd);
    }

    @Override
    public void interrupt() {
        closing = true;
        // Cannot fail: the counter goes from 0 to 1 once, and an eventfd write never blocks.
        long written = calls.write(interruptFd, Pointer.nativeValue(one), 8);
        if (written != 8) {
            System.getLogger("io.jpoll.epoll").log(System.Logger.Level.WARNING,
                    "jpoll: cannot signal close to pollers: write(eventfd): " + Errno.name((int) -written));
        }
    }

    @Override
    public boolean wakesOnInterrupt() {
        return true;
    }

    @Override
    public void raiseNudge() {
        nudge.raise();
    }

    @Override
    public void clearNudge() {
        nudge.clear();
    }

    @Override
    public void close() {
        nudge.close();
        calls.close(interruptFd);
        processes.close();
        if (timers != null) {
            timers.close();
        }
        calls.close(epfd);
        buffers.drain(freeBuffer);
        ctlRecords.drain(freeRecord);
        one.close();
    }

    @Override
    public String toString() {
        return "EpollSelector{epfd=" + epfd + ", " + calls.name() + ", " + layout + (nanosecondTimeouts ? ", epoll_pwait2" : "") + "}";
    }
}
