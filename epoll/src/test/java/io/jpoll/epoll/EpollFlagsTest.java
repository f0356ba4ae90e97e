package io.jpoll.epoll;

import io.jpoll.Interests;
import io.jpoll.spi.EventSink;
import org.junit.jupiter.api.Test;

import static io.jpoll.epoll.EpollFlags.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

class EpollFlagsTest {
    @Test
    void kernelConstantsMatchEventpollH() {
        assertEquals(0x001, EPOLLIN);
        assertEquals(0x002, EPOLLPRI);
        assertEquals(0x004, EPOLLOUT);
        assertEquals(0x008, EPOLLERR);
        assertEquals(0x010, EPOLLHUP);
        assertEquals(0x2000, EPOLLRDHUP);
        assertEquals(0x40000000, EPOLLONESHOT);
        assertEquals(0x80000000, EPOLLET);
        assertEquals(02000000, EPOLL_CLOEXEC);
        assertEquals(04000, EFD_NONBLOCK);
    }

    @Test
    void interestsToEpoll() {
        assertEquals(EPOLLIN | EPOLLRDHUP | EPOLLONESHOT, toEpoll(Interests.READABLE));
        assertEquals(EPOLLOUT | EPOLLONESHOT, toEpoll(Interests.WRITABLE));
        assertEquals(EPOLLPRI | EPOLLONESHOT, toEpoll(Interests.PRIORITY));
        assertEquals(EPOLLIN | EPOLLRDHUP | EPOLLOUT | EPOLLET, toEpoll(Interests.READABLE.add(Interests.WRITABLE).edge()));
        assertEquals(EPOLLIN | EPOLLRDHUP | EPOLLOUT | EPOLLPRI,
                toEpoll(Interests.READABLE.add(Interests.WRITABLE).add(Interests.PRIORITY).level()));
        assertEquals(EPOLLOUT, toEpoll(Interests.WRITABLE.level()));
    }

    private static final int R = EventSink.READABLE, W = EventSink.WRITABLE, E = EventSink.ERROR,
            RC = EventSink.READ_CLOSED, WC = EventSink.WRITE_CLOSED, P = EventSink.PRIORITY;

    @Test
    void plainReadiness() {
        assertEquals(0, toReadiness(0));
        assertEquals(R, toReadiness(EPOLLIN));
        assertEquals(W, toReadiness(EPOLLOUT));
        assertEquals(R | P, toReadiness(EPOLLPRI));
        assertEquals(R | W, toReadiness(EPOLLIN | EPOLLOUT));
        assertEquals(0, toReadiness(EPOLLRDHUP), "RDHUP without IN is not a read-closed claim");
    }

    /** Each record as the kernel reports it (measured; see EpollFlags.toReadiness). */
    @Test
    void hangUpsAndErrorsAreAlwaysReadyInAnAskedDirection() {
        assertEquals(R, toReadiness(EPOLLHUP), "pipe end of stream, unconnected socket or unbound listener");
        assertEquals(R | RC, toReadiness(EPOLLIN | EPOLLRDHUP), "peer FIN, local shutdownInput");
        assertEquals(W, toReadiness(EPOLLOUT | EPOLLHUP), "unconnected socket asked for writable");
        assertEquals(R | W | E, toReadiness(EPOLLERR), "ICMP error asked for readable, or a full pipe's writer");
        assertEquals(W | E, toReadiness(EPOLLOUT | EPOLLERR), "pipe writer whose reader is gone; UDP asked for writable");
        assertEquals(R | W | E | WC, toReadiness(EPOLLERR | EPOLLHUP), "a reset asked only for PRIORITY");
        assertEquals(R | P | E | WC, toReadiness(EPOLLPRI | EPOLLERR | EPOLLHUP));
        assertEquals(R | E, toReadiness(EPOLLIN | EPOLLERR), "IN|ERR closes neither side for sure");
    }

    @Test
    void closedFlagsOnlyWhenProven() {
        assertEquals(R | RC | WC, toReadiness(EPOLLIN | EPOLLRDHUP | EPOLLHUP), "shutdownOutput + peer FIN, Unix peer gone");
        assertEquals(W | E | WC, toReadiness(EPOLLOUT | EPOLLHUP | EPOLLERR), "reset or refused connect, asked for writable");
        assertEquals(R | E | RC | WC, toReadiness(EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR), "reset, asked for readable");
        assertEquals(R | W | E | RC | WC, toReadiness(EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLHUP | EPOLLERR));
        assertEquals(R | W | RC | WC, toReadiness(EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLHUP), "reset, error collected");
        assertEquals(W, toReadiness(EPOLLOUT | EPOLLHUP), "HUP without RDHUP or ERR is no write-closed claim");
        assertEquals(R, toReadiness(EPOLLIN | EPOLLHUP), "pipe end of stream with data left: HUP is no read-closed claim");
    }
}
