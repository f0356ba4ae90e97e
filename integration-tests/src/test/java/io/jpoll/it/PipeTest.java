package io.jpoll.it;

import io.jpoll.Event;
import io.jpoll.Interests;
import io.jpoll.Source;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.util.List;

import static io.jpoll.it.Expect.readable;
import static io.jpoll.it.Expect.writable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** java.nio.channels.Pipe ends, and on Linux an eventfd jpoll did not create. */
class PipeTest extends PollFixture {
    private static final long SOURCE = 0x5000_0000_0000_0001L;
    private static final long SINK = 0x5100_0000_0000_0002L;

    @Test
    @DisplayName("21. pipe: the sink is writable, the source readable after a write, with the exact bytes")
    void pipeEnds() throws Exception {
        Pipe pipe = pipe();
        registry.register(Source.of(pipe.source()), SOURCE, Interests.READABLE);
        registry.register(Source.of(pipe.sink()), SINK, Interests.WRITABLE);
        List<Event> seen = expect(writable(SINK));
        assertTrue(seen.stream().noneMatch(e -> e.token() == SOURCE), () -> "nothing to read yet: " + seen);

        send(pipe.sink(), "through the pipe");
        expect(readable(SOURCE));
        assertEquals("through the pipe", ascii(drain(pipe.source())));
    }

    @Test
    @DisplayName("21. pipe: closing the sink -> the source is readable (end of stream), never write-closed")
    void sinkClosed() throws Exception {
        Pipe pipe = pipe();
        registry.register(Source.of(pipe.source()), SOURCE, Interests.READABLE);
        expectNoEvents();
        pipe.sink().close();
        List<Event> seen = expect(readable(SOURCE));
        Event e = only(seen, SOURCE);
        assertFalse(e.isWritable() || e.isWriteClosed(), () -> "a read end has no write side: " + e);
        if (poll.backend().equals("epoll")) {
            // HUP without RDHUP: readable, but not provably read-closed (see EpollFlags).
            assertEquals("READABLE", ClosedFlagsTest.flags(e), e::toString);
        }
        assertEquals(-1, pipe.source().read(ByteBuffer.allocate(4)));
    }

    @Test
    @DisabledOnOs(value = OS.WINDOWS, disabledReason = "a Windows Pipe is a socket pair, whose reset is reported differently")
    @DisplayName("pipe: closing the source -> the sink is writable (the write fails at once) and flagged")
    void sourceClosed() throws Exception {
        Pipe pipe = pipe();
        Source sink = Source.of(pipe.sink());
        registry.register(sink, SINK, Interests.WRITABLE);
        List<Event> open = expect(writable(SINK));
        assertTrue(open.stream().noneMatch(ev -> ev.isWriteClosed() || ev.isError()), () -> "a reader exists: " + open);

        pipe.source().close();
        registry.reregister(sink, SINK, Interests.WRITABLE);
        Event e = only(expect(writable(SINK)), SINK);
        assertTrue(e.isError() || e.isWriteClosed(), e::toString);
        if (poll.backend().equals("epoll")) {
            // epoll's ERR here is the same bit a UDP socket gets from an ICMP error, whose write
            // side stays open, so it is an error and not a write-closed claim (see EpollFlags).
            assertEquals("WRITABLE | ERROR", ClosedFlagsTest.flags(e), e::toString);
        }
        assertThrows(IOException.class, () -> pipe.sink().write(ByteBuffer.allocate(1)));
    }

    @Test
    @DisabledOnOs(value = OS.WINDOWS, disabledReason = "a Windows Pipe is a socket pair, whose reset is reported differently")
    @DisplayName("pipe: a full sink whose reader closed is writable (the write fails at once), not left unreported")
    void fullSinkReaderGone() throws Exception {
        Pipe pipe = pipe();
        ByteBuffer chunk = ByteBuffer.allocate(4096);
        while (pipe.sink().write(chunk.clear()) > 0) {
            // fill it
        }
        Source sink = Source.of(pipe.sink());
        registry.register(sink, SINK, Interests.WRITABLE);
        expectNoEvents();

        pipe.source().close();
        Event e = only(expect(writable(SINK)), SINK);
        assertTrue(e.isError() || e.isWriteClosed(), e::toString);
        if (poll.backend().equals("epoll")) {
            // ERR alone: epoll cannot tell it from a UDP socket asked for readable, so both
            // directions are ready (see EpollFlags).
            assertEquals("READABLE | WRITABLE | ERROR", ClosedFlagsTest.flags(e), e::toString);
        }
        assertThrows(IOException.class, () -> pipe.sink().write(ByteBuffer.allocate(1)));
    }

    @Test
    @DisplayName("a full pipe's sink is not writable until the reader makes room")
    void fullSinkBecomesWritable() throws Exception {
        Pipe pipe = pipe();
        ByteBuffer chunk = ByteBuffer.allocate(4096);
        long filled = 0;
        int n;
        while ((n = pipe.sink().write(chunk.clear())) > 0) {
            filled += n;
        }
        assertTrue(filled > 0);
        Source sink = Source.of(pipe.sink());
        registry.register(sink, SINK, Interests.WRITABLE);
        expectNoEvents();

        // Where a Pipe is a socket pair (Windows) some bytes may still be in flight: read by events.
        Source source = Source.of(pipe.source());
        registry.register(source, SOURCE, Interests.READABLE);
        long drained = 0;
        while (drained < filled) {
            expect(readable(SOURCE));
            drained += drain(pipe.source()).length;
            registry.reregister(source, SOURCE, Interests.READABLE);
        }
        assertEquals(filled, drained, "everything written comes out");
        expect(writable(SINK));
    }

    private static Event only(List<Event> seen, long token) {
        assertEquals(1, seen.size(), () -> "one registration, one event: " + seen);
        assertEquals(token, seen.get(0).token(), seen::toString);
        return seen.get(0);
    }

    @Test
    @EnabledOnOs(value = OS.LINUX, disabledReason = "eventfd is Linux's")
    @DisplayName("21. a raw eventfd created through JNA, registered with Source.fd: readable after a write, exact counter")
    void rawEventFd() throws Exception {
        int fd = LinuxLibc.newEventFd();
        Source source = Source.fd(fd);
        boolean registered = false;
        try {
            long token = Long.MIN_VALUE;
            registry.register(source, token, Interests.READABLE);
            registered = true;
            expectNoEvents();

            LinuxLibc.addToCounter(fd, 5);
            LinuxLibc.addToCounter(fd, 37);
            expect(readable(token));
            assertEquals(42, LinuxLibc.takeCounter(fd));
            assertEquals(-1, LinuxLibc.takeCounter(fd), "the read reset the counter");

            registry.reregister(source, token, Interests.READABLE);
            expectNoEvents();
            registry.reregister(source, Long.MAX_VALUE, Interests.WRITABLE);
            expect(writable(Long.MAX_VALUE));
        } finally {
            // Remove it from the Poll before the number can be reused.
            if (registered) {
                registry.deregister(source);
            }
            LinuxLibc.closeFd(fd);
        }
    }
}
