package io.jpoll.kqueue;

import com.sun.jna.Memory;
import io.jpoll.Trigger;
import io.jpoll.spi.EventSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static io.jpoll.spi.EventSink.ERROR;
import static io.jpoll.spi.EventSink.READABLE;
import static io.jpoll.spi.EventSink.READ_CLOSED;
import static io.jpoll.spi.EventSink.WRITABLE;
import static io.jpoll.spi.EventSink.WRITE_CLOSED;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Decoding kevent() results into events, for every OS profile: records are written into native
 * memory in that OS's layout, as its kernel would return them.
 */
class EventDecoderTest {
    private static final int CAPACITY = 8;

    private final Registrations registrations = new Registrations();
    private final Memory memory = new Memory(64L * CAPACITY);
    private final ByteBuffer view = memory.getByteBuffer(0, memory.size()).order(ByteOrder.nativeOrder());
    private final MergeIndex merge = new MergeIndex(CAPACITY);
    private KqueueProfile p;
    private EventDecoder decoder;
    private int n;

    @AfterEach
    void free() {
        memory.close();
    }

    private void use(KqueueProfile profile) {
        p = profile;
        decoder = new EventDecoder(p, registrations);
        n = 0;
    }

    private void record(long ident, int filter, int flags, int fflags, long udata) {
        p.layout.put(view, n++, ident, filter, flags, fflags, 0L, udata);
    }

    private long register(int fd, long token, Trigger trigger) {
        return registrations.arm(registrations.add(fd), token, trigger);
    }

    /** A registration asking for {@code wanted} (READ, WRITE bits) on a descriptor with those {@code sides}. */
    private long register(int fd, long token, int wanted, int sides) {
        return registrations.arm(registrations.add(fd), token, Trigger.LEVEL, Registrations.hints(wanted, sides));
    }

    private static final int R = Registrations.READ;
    private static final int W = Registrations.WRITE;

    private int decode(EventSink sink) {
        int signals = decoder.decode(view, n, sink, merge);
        n = 0;
        return signals;
    }

    @ParameterizedTest
    @EnumSource(KqueueProfile.class)
    void readAndWriteOfOneRegistrationMergeIntoOneEvent(KqueueProfile profile) {
        use(profile);
        KqueueConstants c = p.constants;
        long a = register(5, -7L, Trigger.LEVEL);
        long b = register(6, 0x7FFF_FFFF_FFFF_FFFFL, Trigger.LEVEL);
        record(5, c.evfiltRead, 0, 0, a);
        record(6, c.evfiltWrite, 0, 0, b);
        record(5, c.evfiltWrite, 0, 0, a);
        EventSink sink = new EventSink(CAPACITY);
        assertEquals(0, decode(sink));
        assertEquals(2, sink.size());
        assertEquals(-7L, sink.token(0));
        assertEquals(READABLE | WRITABLE, sink.readiness(0));
        assertEquals(0x7FFF_FFFF_FFFF_FFFFL, sink.token(1));
        assertEquals(WRITABLE, sink.readiness(1));
    }

    @ParameterizedTest
    @EnumSource(KqueueProfile.class)
    void eofAndErrorBecomeClosedAndErrorHints(KqueueProfile profile) {
        use(profile);
        KqueueConstants c = p.constants;
        long a = register(5, 1, Trigger.EDGE);
        long b = register(6, 2, Trigger.EDGE);
        long d = register(8, 3, Trigger.EDGE);
        record(5, c.evfiltRead, c.evEof | c.evClear, 0, a);        // orderly shutdown
        record(6, c.evfiltWrite, c.evEof, 54, b);                  // reset: EOF with the socket error
        record(8, c.evfiltRead, c.evError, 0, d);
        EventSink sink = new EventSink(CAPACITY);
        decode(sink);
        assertEquals(3, sink.size());
        assertEquals(READABLE | READ_CLOSED, sink.readiness(0));
        // These registrations ask for both directions: an error makes both ready.
        assertEquals(READABLE | WRITABLE | WRITE_CLOSED | ERROR, sink.readiness(1));
        assertEquals(READABLE | WRITABLE | ERROR, sink.readiness(2));
    }

    /**
     * An error (EV_EOF with the socket error in fflags, or EV_ERROR) makes every requested direction
     * ready, as epoll's EPOLLERR does: whichever filter's record carries it, a reader or writer
     * that waits for its own direction learns of the error. The closed flags stay with the filter
     * that reported them: an error does not prove the other side closed (UDP's does not).
     */
    @ParameterizedTest
    @EnumSource(KqueueProfile.class)
    void anErrorMakesEveryRequestedDirectionReady(KqueueProfile profile) {
        use(profile);
        KqueueConstants c = p.constants;
        long both = register(5, 1, R | W, R | W);
        long readOnly = register(6, 2, R, R | W);
        long writeOnly = register(7, 3, W, R | W);
        long both2 = register(8, 4, R | W, R | W);
        record(5, c.evfiltWrite, c.evEof, 54, both);          // ECONNRESET seen by the write filter
        record(6, c.evfiltRead, c.evEof, 54, readOnly);
        record(7, c.evfiltWrite, c.evEof, 32, writeOnly);
        record(8, c.evfiltRead, c.evError, 0, both2);        // xnu: a knote error
        EventSink sink = new EventSink(CAPACITY);
        decode(sink);
        assertEquals(4, sink.size());
        assertEquals(READABLE | WRITABLE | WRITE_CLOSED | ERROR, sink.readiness(0));
        assertEquals(READABLE | READ_CLOSED | ERROR, sink.readiness(1));
        assertEquals(WRITABLE | WRITE_CLOSED | ERROR, sink.readiness(2));
        assertEquals(READABLE | WRITABLE | ERROR, sink.readiness(3));
    }

    /**
     * End of stream without an error: readable (read-closed) or writable (write-closed) for the
     * filter that saw it, and nothing for the other direction: a peer's FIN closes our read side
     * only.
     */
    @ParameterizedTest
    @EnumSource(KqueueProfile.class)
    void endOfStreamIsReadyForItsOwnDirectionOnly(KqueueProfile profile) {
        use(profile);
        KqueueConstants c = p.constants;
        long a = register(5, 1, R | W, R | W);
        long b = register(6, 2, R | W, R | W);
        record(5, c.evfiltRead, c.evEof, 0, a);
        record(6, c.evfiltWrite, c.evEof, 0, b);
        EventSink sink = new EventSink(CAPACITY);
        decode(sink);
        assertEquals(READABLE | READ_CLOSED, sink.readiness(0));
        assertEquals(WRITABLE | WRITE_CLOSED, sink.readiness(1));
    }

    /**
     * A side the descriptor does not have is never reported closed. xnu attaches a "neutered"
     * filter for the wrong end of a pipe (sys_pipe.c, pipe_kqfilter: EVFILT_WRITE on the read
     * end), which fires with EV_EOF when the pipe dies: the read end has no write side to close.
     * The direction asked for is still reported ready, as epoll reports EPOLLHUP.
     */
    @ParameterizedTest
    @EnumSource(KqueueProfile.class)
    void aSideTheDescriptorLacksIsNeverReportedClosed(KqueueProfile profile) {
        use(profile);
        KqueueConstants c = p.constants;
        long readEnd = register(5, 1, R | W, R);
        long writeEnd = register(6, 2, R | W, W);
        record(5, c.evfiltRead, c.evEof, 0, readEnd);
        record(5, c.evfiltWrite, c.evEof, 0, readEnd);
        record(6, c.evfiltWrite, c.evEof, 0, writeEnd);
        record(6, c.evfiltRead, c.evEof, 0, writeEnd);
        EventSink sink = new EventSink(CAPACITY);
        decode(sink);
        assertEquals(2, sink.size());
        assertEquals(READABLE | READ_CLOSED | WRITABLE, sink.readiness(0));
        assertEquals(WRITABLE | WRITE_CLOSED | READABLE, sink.readiness(1));
    }

    @ParameterizedTest
    @EnumSource(KqueueProfile.class)
    void oneshotDeliversOneEventPerArmEvenAcrossCalls(KqueueProfile profile) {
        use(profile);
        KqueueConstants c = p.constants;
        int slot = registrations.add(5);
        long arm1 = registrations.arm(slot, 42, Trigger.ONESHOT);
        record(5, c.evfiltRead, c.evDispatch, 0, arm1);
        record(5, c.evfiltWrite, c.evDispatch, 0, arm1);
        EventSink first = new EventSink(CAPACITY);
        decode(first);
        assertEquals(1, first.size());
        assertEquals(READABLE | WRITABLE, first.readiness(0), "both filters in one call merge");

        // The write filter of the same arm fires again into another poller's call: dropped.
        record(5, c.evfiltWrite, c.evDispatch, 0, arm1);
        EventSink second = new EventSink(CAPACITY);
        decode(second);
        assertEquals(0, second.size());

        // Reregister: a record fetched before it (old epoch) must not take the new arm.
        long arm2 = registrations.arm(slot, 43, Trigger.ONESHOT);
        record(5, c.evfiltRead, c.evDispatch, 0, arm1);
        record(5, c.evfiltWrite, c.evDispatch, 0, arm2);
        EventSink third = new EventSink(CAPACITY);
        decode(third);
        assertEquals(1, third.size());
        assertEquals(43L, third.token(0));
        assertEquals(WRITABLE, third.readiness(0));
    }

    @ParameterizedTest
    @EnumSource(KqueueProfile.class)
    void deregisteredRegistrationsAreNotReported(KqueueProfile profile) {
        use(profile);
        KqueueConstants c = p.constants;
        long a = register(5, 1, Trigger.LEVEL);
        registrations.retire(5);
        record(5, c.evfiltRead, 0, 0, a);
        EventSink sink = new EventSink(CAPACITY);
        decode(sink);
        assertEquals(0, sink.size());
    }

    @ParameterizedTest
    @EnumSource(KqueueProfile.class)
    void wakersInterruptAndWakePipe(KqueueProfile profile) {
        use(profile);
        KqueueConstants c = p.constants;
        record(3, c.evfiltUser, c.evClear, 0, Long.MIN_VALUE);              // a waker: udata is its token
        record(EventDecoder.INTERRUPT_IDENT, c.evfiltUser, 0, 0, 0L);      // the close signal
        record(9, c.evfiltRead, 0, 0, EventDecoder.PIPE_UDATA);            // the wake pipe
        record(9, 77, 0, 0, 1L << 32);                                     // a filter the backend never adds
        EventSink sink = new EventSink(CAPACITY);
        int signals = decode(sink);
        assertEquals(EventDecoder.INTERRUPTED | EventDecoder.WAKE_PIPE, signals);
        assertEquals(1, sink.size());
        assertEquals(Long.MIN_VALUE, sink.token(0));
        assertEquals(READABLE, sink.readiness(0));
    }

    @ParameterizedTest
    @EnumSource(KqueueProfile.class)
    void theMergeIndexForgetsThePreviousCall(KqueueProfile profile) {
        use(profile);
        KqueueConstants c = p.constants;
        long a = register(5, 1, Trigger.LEVEL);
        record(5, c.evfiltRead, 0, 0, a);
        EventSink one = new EventSink(CAPACITY);
        decode(one);
        record(5, c.evfiltWrite, 0, 0, a);
        EventSink two = new EventSink(CAPACITY);
        decode(two);
        assertEquals(1, two.size(), "a new call makes a new event, not a merge into the old sink index");
        assertEquals(WRITABLE, two.readiness(0));
        assertEquals(READABLE, one.readiness(0));
    }
}
