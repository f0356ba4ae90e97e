package io.jpoll.kqueue;

import io.jpoll.Interests;
import io.jpoll.NativeException;
import io.jpoll.spi.EventSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The selector over {@link FakeKernel}: what each kernel does differently, tested on any machine.
 * Every profile runs with its own kernel's receipt style, and with the other style too, so the
 * backend is shown not to depend on which one it meets.
 */
class FakeKernelSelectorTest {
    private final List<KqueueSelector> open = new ArrayList<>();

    @AfterEach
    void close() {
        open.forEach(KqueueSelector::close);
    }

    static Stream<Arguments> profilesAndStyles() {
        List<Arguments> all = new ArrayList<>();
        for (KqueueProfile p : KqueueProfile.values()) {
            for (FakeKernel.ReceiptStyle s : FakeKernel.ReceiptStyle.values()) {
                all.add(Arguments.of(p, s));
            }
        }
        return all.stream();
    }

    private KqueueSelector open(FakeKernel k) throws IOException {
        KqueueSelector s = KqueueSelector.open(k.profile, k);
        open.add(s);
        return s;
    }

    private static final Interests READ = Interests.READABLE;
    private static final Interests READ_WRITE = Interests.READABLE.add(Interests.WRITABLE);

    /**
     * The ordinary ONESHOT re-arm after output is flushed: register READ|WRITE, then drop WRITE
     * twice. With the BSD kernels' receipts (flags = EV_ERROR) the delete's receipt must still be
     * read as a delete, or the next reregister deletes again, gets ENOENT and throws.
     */
    @ParameterizedTest
    @MethodSource("profilesAndStyles")
    void reregisterDroppingAFilterCanBeRepeated(KqueueProfile p, FakeKernel.ReceiptStyle style) throws IOException {
        FakeKernel k = new FakeKernel(p);
        k.style = style;
        KqueueSelector s = open(k);
        int kq = k.theKqueue();
        int fd = k.socket();
        KqueueConstants c = p.constants;

        s.register(fd, 1, READ_WRITE);
        assertTrue(k.holds(kq, fd, c.evfiltRead) && k.holds(kq, fd, c.evfiltWrite));
        s.reregister(fd, 2, READ);
        assertTrue(k.holds(kq, fd, c.evfiltRead));
        assertFalse(k.holds(kq, fd, c.evfiltWrite), "the write filter was deleted");
        s.reregister(fd, 3, READ);
        s.reregister(fd, 4, READ_WRITE);
        assertTrue(k.holds(kq, fd, c.evfiltWrite));
        s.reregister(fd, 5, READ);
        s.reregister(fd, 6, READ);
        assertFalse(k.holds(kq, fd, c.evfiltWrite));

        // And the registration still works: a readable socket is reported with the last token.
        k.readable(fd, true);
        EventSink sink = new EventSink(8);
        s.select(sink, 0);
        assertEquals(1, sink.size());
        assertEquals(6L, sink.token(0));
        assertEquals(EventSink.READABLE, sink.readiness(0));

        s.deregister(fd);
        assertFalse(k.holds(kq, fd, c.evfiltRead));
    }

    /** A delete that the kernel refuses is reported as a delete, whatever the receipt style. */
    @ParameterizedTest
    @MethodSource("profilesAndStyles")
    void aFailedChangeIsNamedByWhatWasAsked(KqueueProfile p, FakeKernel.ReceiptStyle style) throws IOException {
        FakeKernel k = new FakeKernel(p);
        k.style = style;
        KqueueSelector s = open(k);
        NativeException e = org.junit.jupiter.api.Assertions.assertThrows(NativeException.class,
                () -> s.register(999, 7, READ));
        assertEquals("kevent(EV_ADD) fd=999 token=7: EBADF (Bad file descriptor)", e.getMessage());
    }

    /**
     * libkqueue frees a closed kqueue's descriptors on its monitor thread; the selector waits for
     * that (libkqueue_drain_pending_close) after the kqueue is closed, on close() and when open()
     * fails half-way. The kernel seam makes the call on every profile; only libkqueue's binding
     * does anything.
     */
    @ParameterizedTest
    @EnumSource(KqueueProfile.class)
    void closeAndAFailedOpenDrainAfterTheKqueueIsClosed(KqueueProfile p) throws IOException {
        FakeKernel k = new FakeKernel(p);
        KqueueSelector s = KqueueSelector.open(p, k);
        assertEquals(0, k.drains);
        s.close();
        assertEquals(1, k.drains);
        assertEquals(0, k.kqueuesOpenAtLastDrain, "drained after the kqueue was closed");

        k.changeFailure = FakeKernel.EIO;
        NativeException e = org.junit.jupiter.api.Assertions.assertThrows(NativeException.class,
                () -> KqueueSelector.open(p, k));
        assertEquals("EIO", e.errorName());
        assertEquals(2, k.drains);
        assertEquals(0, k.kqueuesOpenAtLastDrain, "the failed open closed its kqueue, then drained");
    }

    /** Polls once without waiting and returns the tokens reported, in order. */
    private static List<Long> pollNow(KqueueSelector s) throws IOException {
        EventSink sink = new EventSink(16);
        s.select(sink, 0);
        List<Long> tokens = new ArrayList<>();
        for (int i = 0; i < sink.size(); i++) {
            tokens.add(sink.token(i));
        }
        return tokens;
    }

    /** OpenBSD answers ENOMEM past kq_usereventsmax (1024 EVFILT_USER knotes per process): use the pipe. */
    @ParameterizedTest
    @EnumSource(KqueueProfile.class)
    void noRoomForAUserKnoteAtOpenMeansTheWakePipe(KqueueProfile p) throws IOException {
        FakeKernel k = new FakeKernel(p);
        k.userLimit = 0;
        KqueueSelector s = open(k);
        int kq = k.theKqueue();
        assertEquals(1, k.knotes(kq), "only the wake pipe's read end");
        s.newWaker(77).wake();
        assertEquals(List.of(77L), pollNow(s));
        assertEquals(List.of(), pollNow(s));
    }

    /** Wakers made after the kernel ran out of EVFILT_USER knotes fall back to a pipe of their own. */
    @ParameterizedTest
    @EnumSource(KqueueProfile.class)
    void wakersPastTheUserKnoteLimitUseAPipe(KqueueProfile p) throws IOException {
        FakeKernel k = new FakeKernel(p);
        k.userLimit = 2; // the close signal's knote and one waker's
        KqueueSelector s = open(k);
        io.jpoll.spi.WakerHandle user = s.newWaker(1);
        io.jpoll.spi.WakerHandle piped = s.newWaker(2);
        io.jpoll.spi.WakerHandle piped2 = s.newWaker(3);
        user.wake();
        piped.wake();
        piped2.wake();
        List<Long> tokens = pollNow(s);
        tokens.sort(null);
        assertEquals(List.of(1L, 2L, 3L), tokens);
        piped.wake();
        assertEquals(List.of(2L), pollNow(s));
        assertEquals(List.of(), pollNow(s));
    }

    /** A pipe wake costs one read: a read shorter than the buffer has emptied the pipe already. */
    @ParameterizedTest
    @EnumSource(KqueueProfile.class)
    void aPipeWakeIsDrainedWithOneRead(KqueueProfile p) throws IOException {
        FakeKernel k = new FakeKernel(p);
        k.userLimit = 1; // the close signal's knote: wakers use the pipe
        KqueueSelector s = open(k);
        io.jpoll.spi.WakerHandle piped = s.newWaker(7);
        piped.wake();
        int before = k.reads;
        assertEquals(List.of(7L), pollNow(s));
        assertEquals(1, k.reads - before, "read() calls to drain one wake");
    }

    /**
     * A kernel that predates EV_DISPATCH ignores the bit: a ONESHOT filter stays enabled after its
     * event, and every later kevent() returns its record only for the decoder to drop it, so a poll
     * with a timeout spins for the whole timeout. Such a kernel is refused at open.
     */
    @ParameterizedTest
    @MethodSource("profilesAndStyles")
    void aKernelWithoutEvDispatchIsRefusedAtOpen(KqueueProfile p, FakeKernel.ReceiptStyle style) {
        for (boolean userFilter : new boolean[]{true, false}) {
            FakeKernel k = new FakeKernel(p);
            k.style = style;
            k.dispatch = false;
            k.userFilter = userFilter;
            IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> open(k));
            assertEquals("kqueue: this kernel ignores EV_DISPATCH (a dispatched knote fired twice), which"
                    + " ONESHOT needs; refusing to open rather than spin in poll", e.getMessage());
            assertEquals(0, k.openDescriptors(), "the refused open closed what it had opened");
        }
    }

    @ParameterizedTest
    @EnumSource(KqueueProfile.class)
    void aKernelWithEvDispatchOpensWithNothingLeftOfTheCheck(KqueueProfile p) throws IOException {
        for (boolean userFilter : new boolean[]{true, false}) {
            FakeKernel k = new FakeKernel(p);
            k.userFilter = userFilter;
            KqueueSelector s = open(k);
            int kq = k.theKqueue();
            assertEquals(1, k.knotes(kq), "the close signal or the wake pipe, nothing else");
            assertEquals(userFilter ? 1 : 3, k.openDescriptors(), "the kqueue, and the wake pipe's two ends");
            assertEquals(List.of(), pollNow(s));
            s.close();
            open.remove(s);
            assertEquals(0, k.openDescriptors());
        }
    }

    /**
     * A pipe's read end, registered for both directions, when the writer closes: readable and
     * read-closed; writable because it was asked for and the pipe died; write-closed only where
     * the descriptor has a write side (FreeBSD and DragonFly pipes are bidirectional).
     */
    @ParameterizedTest
    @EnumSource(KqueueProfile.class)
    void aPipesReadEndIsWriteClosedOnlyWherePipesAreBidirectional(KqueueProfile p) throws IOException {
        FakeKernel k = new FakeKernel(p);
        KqueueSelector s = open(k);
        int[] pipe = k.pipe();
        s.register(pipe[0], 9, READ_WRITE.level());
        k.close(pipe[1]);
        EventSink sink = new EventSink(8);
        s.select(sink, 0);
        assertEquals(1, sink.size());
        boolean bidirectional = p == KqueueProfile.FREEBSD || p == KqueueProfile.FREEBSD_11
                || p == KqueueProfile.DRAGONFLY;
        assertEquals(EventSink.READABLE | EventSink.READ_CLOSED | EventSink.WRITABLE
                | (bidirectional ? EventSink.WRITE_CLOSED : 0), sink.readiness(0));
    }

    /** One select without waiting: the events, as token to readiness. */
    private static java.util.Map<Long, Integer> events(KqueueSelector s) throws IOException {
        EventSink sink = new EventSink(16);
        s.select(sink, 0);
        java.util.Map<Long, Integer> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < sink.size(); i++) {
            m.put(sink.token(i), sink.readiness(i));
        }
        return m;
    }

    /**
     * WRITABLE on a pipe whose reader has closed. FreeBSD, DragonFly and OpenBSD refuse the
     * EVFILT_WRITE with EPIPE, NetBSD with EBADF (pipe_kqfilter), where epoll reports EPOLLOUT |
     * EPOLLERR and xnu attaches a filter that fires with EV_EOF. The registration succeeds and the
     * event is reported as the kernel would report a reader closing a moment later: writable and
     * write-closed, by the registration's trigger.
     */
    @ParameterizedTest
    @EnumSource(KqueueProfile.class)
    void writableOnAWidowedPipeIsReportedWriteClosed(KqueueProfile p) throws IOException {
        FakeKernel k = new FakeKernel(p);
        KqueueSelector s = open(k);
        int closedWrite = EventSink.WRITABLE | EventSink.WRITE_CLOSED
                | (p == KqueueProfile.LIBKQUEUE ? EventSink.ERROR : 0); // libkqueue: EPOLLERR's EIO in fflags
        int[] oneshot = k.pipe();
        int[] level = k.pipe();
        int[] edge = k.pipe();
        k.close(oneshot[0]);
        k.close(level[0]);
        k.close(edge[0]);
        s.register(oneshot[1], 1, Interests.WRITABLE);
        s.register(level[1], 2, Interests.WRITABLE.level());
        s.register(edge[1], 3, Interests.WRITABLE.edge());
        assertEquals(java.util.Map.of(1L, closedWrite, 2L, closedWrite, 3L, closedWrite), events(s));
        assertEquals(java.util.Map.of(2L, closedWrite), events(s), "only LEVEL again");
        s.reregister(oneshot[1], 11, Interests.WRITABLE);
        s.reregister(edge[1], 13, Interests.WRITABLE.edge());
        assertEquals(java.util.Map.of(11L, closedWrite, 2L, closedWrite, 13L, closedWrite), events(s));
        s.deregister(level[1]);
        assertEquals(java.util.Map.of(), events(s));
        s.deregister(oneshot[1]);
        s.deregister(edge[1]);
    }

    /** Both directions on a widowed pipe's write end: one event, write-closed merged with what reading says. */
    @ParameterizedTest
    @EnumSource(KqueueProfile.class)
    void readableAndWritableOnAWidowedPipeMergeIntoOneEvent(KqueueProfile p) throws IOException {
        FakeKernel k = new FakeKernel(p);
        KqueueSelector s = open(k);
        int[] pipe = k.pipe();
        k.close(pipe[0]);
        s.register(pipe[1], 5, READ_WRITE.level());
        java.util.Map<Long, Integer> got = events(s);
        assertEquals(1, got.size(), got.toString());
        int bits = got.get(5L);
        assertEquals(EventSink.READABLE | EventSink.WRITABLE | EventSink.WRITE_CLOSED,
                bits & (EventSink.READABLE | EventSink.WRITABLE | EventSink.WRITE_CLOSED), "bits " + bits);
    }

    /** A poller already waiting must learn of the new write-closed registration: the selector wakes it. */
    @ParameterizedTest
    @EnumSource(value = KqueueProfile.class, names = {"FREEBSD", "FREEBSD_11", "OPENBSD", "NETBSD", "DRAGONFLY"})
    void aWriteClosedRegistrationWakesThePollers(KqueueProfile p) throws IOException {
        for (boolean userFilter : new boolean[]{true, false}) {
            FakeKernel k = new FakeKernel(p);
            k.userFilter = userFilter;
            KqueueSelector s = open(k);
            int kq = k.theKqueue();
            int[] pipe = k.pipe();
            k.close(pipe[0]);
            s.register(pipe[1], 5, Interests.WRITABLE);
            if (userFilter) {
                assertTrue(k.triggered(kq, EventDecoder.KICK_IDENT), "the kick knote was triggered");
            } else {
                // The wake pipe was opened first: its read end is the lowest number after the kqueue.
                assertEquals(1, k.pending(kq + 1), "a byte in the wake pipe");
            }
            assertEquals(java.util.Map.of(5L, ClosedWrites.BITS), events(s));
            assertEquals(java.util.Map.of(), events(s));
        }
    }

    /**
     * A registration that holds no knote (WRITABLE only, on a widowed pipe) whose descriptor is
     * closed without deregister: a new file with the number can be registered, and a second
     * register of the still-open widowed pipe is refused.
     */
    @ParameterizedTest
    @EnumSource(value = KqueueProfile.class, names = {"FREEBSD", "FREEBSD_11", "OPENBSD", "NETBSD", "DRAGONFLY"})
    void aWriteClosedRegistrationOfAClosedDescriptorMakesWayForTheNext(KqueueProfile p) throws IOException {
        FakeKernel k = new FakeKernel(p);
        KqueueSelector s = open(k);
        int[] pipe = k.pipe();
        k.close(pipe[0]);
        s.register(pipe[1], 5, Interests.WRITABLE.level());
        org.junit.jupiter.api.Assertions.assertThrows(io.jpoll.AlreadyRegisteredException.class,
                () -> s.register(pipe[1], 6, Interests.WRITABLE));
        k.close(pipe[1]);
        int socket = k.socket();
        int other = k.socket();
        assertTrue(socket == pipe[1] || other == pipe[1], "the number was reused");
        int reused = pipe[1];
        s.register(reused, 7, Interests.WRITABLE.level());
        k.writable(reused, true);
        assertEquals(java.util.Map.of(7L, EventSink.WRITABLE), events(s), "the new file, not the old closed write");
        int kq = k.theKqueue();
        assertTrue(k.holds(kq, reused, p.constants.evfiltWrite));
        assertEquals(3, k.knotes(kq), "the close signal, the kick and the new write filter: no probe left");
    }

    /** A descriptor that is closed is still refused: EBADF is only "reader gone" on NetBSD, and only for an open fd. */
    @ParameterizedTest
    @EnumSource(KqueueProfile.class)
    void aClosedDescriptorIsStillRefused(KqueueProfile p) throws IOException {
        FakeKernel k = new FakeKernel(p);
        KqueueSelector s = open(k);
        int[] pipe = k.pipe();
        k.close(pipe[0]);
        k.close(pipe[1]);
        NativeException e = org.junit.jupiter.api.Assertions.assertThrows(NativeException.class,
                () -> s.register(pipe[1], 5, Interests.WRITABLE));
        assertEquals("EBADF", e.errorName());
    }

    @ParameterizedTest
    @EnumSource(KqueueProfile.class)
    void theFakeAnswersInItsKernelsStyle(KqueueProfile p) {
        assertEquals(p == KqueueProfile.MACOS || p == KqueueProfile.LIBKQUEUE
                ? FakeKernel.ReceiptStyle.OR_ERROR : FakeKernel.ReceiptStyle.REPLACE_FLAGS, new FakeKernel(p).style);
    }
}
