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

    /** What one reported epoll_event means, as {@link EventSink} readiness bits. */
    static int toReadiness(int events) {
        int r = 0;
        if ((events & (EPOLLIN | EPOLLPRI)) != 0) r |= EventSink.READABLE;
        if ((events & EPOLLOUT) != 0) r |= EventSink.WRITABLE;
        if ((events & EPOLLERR) != 0) r |= EventSink.ERROR;
        if ((events & EPOLLPRI) != 0) r |= EventSink.PRIORITY;
        if ((events & EPOLLHUP) != 0
                || ((events & EPOLLIN) != 0 && (events & EPOLLRDHUP) != 0)) {
            r |= EventSink.READ_CLOSED;
        }
        // A socket whose connect failed reports OUT|ERR; ERR alone is a pipe whose reader is gone.
        if ((events & EPOLLHUP) != 0
                || ((events & EPOLLOUT) != 0 && (events & EPOLLERR) != 0)
                || events == EPOLLERR) {
            r |= EventSink.WRITE_CLOSED;
        }
        return r;
    }
}
