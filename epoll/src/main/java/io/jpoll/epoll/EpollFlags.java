package io.jpoll.epoll;

import io.jpoll.Interests;
import io.jpoll.spi.EventSink;

/**
 * Translation between jpoll's interests and readiness and epoll's event bits, in one place.
 * Values from include/uapi/linux/eventpoll.h and include/uapi/asm-generic/poll.h, which every
 * architecture jpoll supports uses as they are.
 */
final class EpollFlags {
    static final int EPOLLIN = 0x001;
    static final int EPOLLPRI = 0x002;
    static final int EPOLLOUT = 0x004;
    static final int EPOLLERR = 0x008;
    static final int EPOLLHUP = 0x010;
    static final int EPOLLRDHUP = 0x2000;
    /**
     * Asked for only by the selector's own nudge pipe, never for a registration, so a record with
     * it is the nudge's (the kernel reports only the bits asked for, plus ERR and HUP).
     */
    static final int EPOLLRDNORM = 0x040;
    static final int EPOLLONESHOT = 1 << 30;
    static final int EPOLLET = 1 << 31;

    static final int EPOLL_CTL_ADD = 1;
    static final int EPOLL_CTL_DEL = 2;
    static final int EPOLL_CTL_MOD = 3;

    /** O_CLOEXEC, shared by epoll_create1 and eventfd (asm-generic/fcntl.h). */
    static final int EPOLL_CLOEXEC = 0x80000;
    static final int EFD_CLOEXEC = 0x80000;
    /** O_NONBLOCK (asm-generic/fcntl.h). */
    static final int EFD_NONBLOCK = 0x800;
    /** O_CLOEXEC and O_NONBLOCK for pipe2. */
    static final int O_CLOEXEC = 0x80000;
    static final int O_NONBLOCK = 0x800;
    /** Flags of timerfd_create: O_CLOEXEC and O_NONBLOCK again (include/uapi/linux/timerfd.h). */
    static final int TFD_CLOEXEC = 0x80000;
    static final int TFD_NONBLOCK = 0x800;
    /** timerfd_settime: it_value is an absolute time on the timer's clock. */
    static final int TFD_TIMER_ABSTIME = 1;
    /** include/uapi/linux/time.h; System.nanoTime reads the same clock. */
    static final int CLOCK_MONOTONIC = 1;

    private EpollFlags() {
    }

    /**
     * The epoll events to ask for. Readable includes RDHUP so a half-closed peer is reported (and
     * flagged read-closed) without an extra read.
     */
    static int toEpoll(Interests interests) {
        int events = 0;
        if (interests.isReadable()) events |= EPOLLIN | EPOLLRDHUP;
        if (interests.isWritable()) events |= EPOLLOUT;
        if (interests.isPriority()) events |= EPOLLPRI;
        switch (interests.trigger()) {
            case ONESHOT:
                return events | EPOLLONESHOT;
            case EDGE:
                return events | EPOLLET;
            default:
                return events;
        }
    }

    /**
     * What one reported epoll_event means, as {@link EventSink} readiness bits.
     *
     * <p>The record holds only the kernel's bits: the 64-bit data is the user's token, so the
     * interests asked for are not known here. What is known is that the kernel reports IN and OUT
     * only when they were asked for, and ERR and HUP always. Measured on Linux 6.x, with R
     * meaning IN|RDHUP asked and W meaning OUT asked:
     * <pre>
     *   pipe read end, writer gone          HUP                  (R or W)
     *   pipe write end, reader gone         ERR, OUT|ERR         (R; W)
     *   pipe write end, full, reader gone   ERR                  (R or W)
     *   TCP unconnected, unbound listener   HUP, OUT|HUP         (R; W)
     *   TCP peer FIN                        IN|RDHUP, OUT        (R; W)
     *   TCP local shutdownInput             IN|RDHUP, OUT        (R; W)
     *   TCP local shutdownOutput            nothing, OUT         (R; W)
     *   TCP shutdownOutput + peer FIN       IN|RDHUP|HUP, OUT|HUP
     *   TCP reset, refused connect          IN|RDHUP|HUP|ERR, OUT|HUP|ERR (ERR gone once read)
     *   UDP connected, ICMP unreachable     ERR, OUT|ERR         (R; W; a send collects it, the next works)
     *   Unix stream, peer closed            IN|RDHUP|HUP, OUT|HUP
     * </pre>
     *
     * <p>Readiness: IN or PRI is readable, OUT writable. A hang-up or error must never arrive as
     * an event that is neither readable nor writable for what was asked, or a ONESHOT
     * registration would be disarmed by an event its owner does not act on (a pipe's end of
     * stream is HUP alone). So when HUP or ERR comes with neither IN, PRI nor OUT:
     * <ul>
     *   <li>HUP alone is readable: asked for readable, it is a pipe's end of stream, an
     *       unconnected socket or an unbound listener, whose read or accept does not block.
     *       Asked for writable alone, HUP always comes with OUT, except on a descriptor that
     *       cannot be written at all (a pipe's read end), which is not flagged writable.</li>
     *   <li>ERR (with or without HUP) is readable and writable: asked for readable it is a UDP
     *       socket's ICMP error, asked for writable a full pipe whose reader is gone, and the
     *       bits are the same. Either way the call fails at once instead of blocking.</li>
     * </ul>
     * When the kernel reports a direction itself, nothing is added: OUT|ERR stays writable only,
     * so a pipe's write end is not flagged readable, and that write reports the error.
     *
     * <p>Closed flags are hints that must never be false:
     * <ul>
     *   <li>read-closed needs RDHUP (with IN): the peer's FIN, a local shutdownInput, a reset.
     *       HUP alone is no proof: an unconnected socket and an unbound listener report it too,
     *       so a pipe's end of stream is readable without the hint;</li>
     *   <li>write-closed needs HUP with RDHUP or ERR: TCP sets HUP once both directions are shut
     *       down (the RDHUP tells it from an unconnected socket's HUP), or on a reset. ERR alone is
     *       no proof: a UDP socket's ICMP error sets it and the next send works, so a pipe whose
     *       reader is gone is flagged with an error, not write-closed.</li>
     * </ul>
     */
    static int toReadiness(int events) {
        int r = 0;
        if ((events & (EPOLLIN | EPOLLPRI)) != 0) r |= EventSink.READABLE;
        if ((events & EPOLLOUT) != 0) r |= EventSink.WRITABLE;
        if ((events & EPOLLPRI) != 0) r |= EventSink.PRIORITY;
        if ((events & EPOLLERR) != 0) {
            r |= EventSink.ERROR;
            if ((events & (EPOLLIN | EPOLLPRI | EPOLLOUT)) == 0) r |= EventSink.READABLE | EventSink.WRITABLE;
        } else if ((events & EPOLLHUP) != 0 && (events & (EPOLLIN | EPOLLPRI | EPOLLOUT)) == 0) {
            r |= EventSink.READABLE;
        }
        if ((events & EPOLLIN) != 0 && (events & EPOLLRDHUP) != 0) r |= EventSink.READ_CLOSED;
        if ((events & EPOLLHUP) != 0 && (events & (EPOLLRDHUP | EPOLLERR)) != 0) r |= EventSink.WRITE_CLOSED;
        return r;
    }
}
