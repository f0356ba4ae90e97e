package io.jpoll.kqueue;

import io.jpoll.AlreadyRegisteredException;
import io.jpoll.Interests;
import io.jpoll.NativeException;
import io.jpoll.NotRegisteredException;
import io.jpoll.spi.EventSink;
import io.jpoll.spi.TimerHandle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Timers and process exits over {@link FakeKernel}, per kernel profile: the unit each OS is given,
 * the counts its kernel reports, ESRCH and pid reuse, so that what only a BSD kernel or xnu does
 * is tested on any machine.
 */
class FakeKernelEventsTest {
    private static final long MS = 1_000_000L;
    private final List<KqueueSelector> open = new ArrayList<>();

    @AfterEach
    void close() {
        open.forEach(KqueueSelector::close);
    }

    private KqueueSelector open(FakeKernel k) throws IOException {
        KqueueSelector s = KqueueSelector.open(k.profile, k);
        open.add(s);
        return s;
    }

    private static EventSink select(KqueueSelector s) throws IOException {
        EventSink sink = new EventSink(16);
        s.select(sink, 0);
        return sink;
    }

    // ---- timers ----

    /**
     * Nanoseconds with the OS's own NOTE_NSECONDS where the backend relies on it (xnu 0x4, FreeBSD
     * 12+ 0x8, libkqueue 2.6+ 0x4); elsewhere milliseconds, rounded up (1.5 ms is 2).
     */
    @ParameterizedTest
    @EnumSource(KqueueProfile.class)
    void delaysGoInTheUnitOfEachOs(KqueueProfile p) throws IOException {
        FakeKernel k = new FakeKernel(p);
        KqueueSelector s = open(k);
        TimerHandle t = s.newTimer(5);
        t.set(1_500_000L, 0);
        int kq = k.theKqueue();
        long ident = 0;
        switch (p) {
            case MACOS:
            case LIBKQUEUE:
                assertEquals(0x4, k.timerFflags(kq, ident));
                assertEquals(1_500_000L, k.timerData(kq, ident));
                break;
            case FREEBSD:
                assertEquals(0x8, k.timerFflags(kq, ident));
                assertEquals(1_500_000L, k.timerData(kq, ident));
                break;
            default:
                assertEquals(0, k.timerFflags(kq, ident), p + " gets the default unit, milliseconds");
                assertEquals(2L, k.timerData(kq, ident), p + ": 1.5 ms rounded up");
        }
        k.advance(2 * MS);
        EventSink sink = select(s);
        assertEquals(1, sink.size());
        assertEquals(5L, sink.token(0));
        assertEquals(EventSink.READABLE, sink.readiness(0));
        assertEquals(1L, sink.count(0));
    }

    /** A libkqueue too old to answer NOTE_VERSION gets milliseconds, as the BSDs without a unit. */
    @Test
    void anOldLibkqueueGetsMilliseconds() throws IOException {
        FakeKernel k = new FakeKernel(KqueueProfile.LIBKQUEUE);
        k.libkqueueVersion = 0;
        KqueueSelector s = open(k);
        s.newTimer(5).set(1_000_001L, 0);
        assertEquals(0, k.timerFflags(k.theKqueue(), 0));
        assertEquals(2L, k.timerData(k.theKqueue(), 0));
    }

    /** xnu counts a late one-shot's elapsed delays; a one-shot still stands for one expiry. */
    @ParameterizedTest
    @EnumSource(KqueueProfile.class)
    void aOneShotCountsOneAndIsGone(KqueueProfile p) throws IOException {
        FakeKernel k = new FakeKernel(p);
        KqueueSelector s = open(k);
        TimerHandle t = s.newTimer(-3);
        t.set(10 * MS, 0);
        k.advance(9 * MS);
        assertEquals(0, select(s).size(), "not before the delay");
        k.advance(26 * MS);
        EventSink sink = select(s);
        assertEquals(1, sink.size());
        assertEquals(-3L, sink.token(0));
        assertEquals(1L, sink.count(0));
        assertFalse(k.holds(k.theKqueue(), 0, p.constants.evfiltTimer), "EV_ONESHOT: gone after its expiry");
        k.advance(50 * MS);
        assertEquals(0, select(s).size());
        t.cancel(); // a fired one-shot: EV_DELETE's ENOENT is no error
    }

    @ParameterizedTest
    @EnumSource(KqueueProfile.class)
    void periodicExpiriesMergeWithTheirCount(KqueueProfile p) throws IOException {
        FakeKernel k = new FakeKernel(p);
        KqueueSelector s = open(k);
        TimerHandle t = s.newTimer(8);
        t.set(10 * MS, 10 * MS);
        k.advance(45 * MS);
        EventSink sink = select(s);
        assertEquals(1, sink.size());
        assertEquals(4L, sink.count(0));
        k.advance(20 * MS);
        assertEquals(2L, select(s).count(0));
        assertEquals(0, select(s).size(), "nothing to drain: reported counts are consumed");
    }

    /**
     * A delay other than the period: a one-shot for the delay, then, when its expiry is reported,
     * the periodic knote; the periods that passed before that report are counted in it.
     */
    @ParameterizedTest
    @EnumSource(KqueueProfile.class)
    void aDelayThenThePeriodLosesNoExpiry(KqueueProfile p) throws IOException {
        FakeKernel k = new FakeKernel(p);
        KqueueSelector s = open(k);
        int kq = k.theKqueue();
        TimerHandle t = s.newTimer(4);
        t.set(50 * MS, 10 * MS);
        k.advance(49 * MS);
        assertEquals(0, select(s).size(), "not before the delay");
        k.advance(36 * MS); // 85 ms: the first expiry at 50 and three periods since
        EventSink sink = select(s);
        assertEquals(1, sink.size());
        assertEquals(4L, sink.count(0), "the first expiry and the periods at 60, 70 and 80 ms");
        long period = p.nanosecondTimers ? 10 * MS : 10;
        assertEquals(period, k.timerData(kq, 0), "re-added as periodic");
        k.advance(10 * MS); // 95 ms: the periodic knote was added at 85 ms
        assertEquals(1L, select(s).count(0));
        k.advance(5 * MS); // 100 ms: the ideal expiry at 100 comes at 105, never before
        assertEquals(0, select(s).size());
        k.advance(5 * MS);
        assertEquals(1L, select(s).count(0));
    }

    @ParameterizedTest
    @EnumSource(KqueueProfile.class)
    void cancelAndSetDropAnExpiryNotYetReported(KqueueProfile p) throws IOException {
        FakeKernel k = new FakeKernel(p);
        KqueueSelector s = open(k);
        TimerHandle t = s.newTimer(1);
        t.set(MS, MS);
        k.advance(5 * MS);
        t.cancel();
        assertEquals(0, select(s).size(), "cancel dropped the expiries");
        assertFalse(k.holds(k.theKqueue(), 0, p.constants.evfiltTimer));

        t.set(MS, 0);
        k.advance(5 * MS);
        t.set(100 * MS, 0);
        assertEquals(0, select(s).size(), "the new setting replaced the expired one");
        k.advance(100 * MS);
        assertEquals(1, select(s).size());
    }

    @ParameterizedTest
    @EnumSource(KqueueProfile.class)
    void closedTimersFreeTheirKnoteAndIdent(KqueueProfile p) throws IOException {
        FakeKernel k = new FakeKernel(p);
        KqueueSelector s = open(k);
        int kq = k.theKqueue();
        int before = k.knotes(kq);
        List<TimerHandle> timers = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            TimerHandle t = s.newTimer(i);
            t.set(3_600_000 * MS, 0);
            timers.add(t);
        }
        assertEquals(before + 10_000, k.knotes(kq));
        for (TimerHandle t : timers) {
            t.close();
        }
        assertEquals(before, k.knotes(kq));
        TimerHandle again = s.newTimer(99);
        again.set(MS, 0);
        assertTrue(k.holds(kq, 9_999, p.constants.evfiltTimer) || k.holds(kq, 0, p.constants.evfiltTimer),
                "a freed ident is reused");
        assertEquals(before + 1, k.knotes(kq));
    }

    @Test
    void aRefusedSetNamesTheTimer() throws IOException {
        FakeKernel k = new FakeKernel(KqueueProfile.FREEBSD);
        KqueueSelector s = open(k);
        TimerHandle t = s.newTimer(5);
        k.changeFailure = FakeKernel.ENOMEM;
        NativeException e = assertThrows(NativeException.class, () -> t.set(MS, 0));
        assertEquals("kevent(EV_ADD) EVFILT_TIMER timer=0 token=5 delay=1000000ns period=0ns:"
                + " ENOMEM (Cannot allocate memory)", e.getMessage());
        k.changeFailure = 0;
        t.set(MS, 0);
        k.advance(MS);
        assertEquals(1, select(s).size(), "a later set works");
    }

    /** Records of an earlier arm, or of a closed timer whose ident was reused, are dropped. */
    @Test
    void recordsOfEarlierArmsAreDropped() throws IOException {
        List<Long> added = new ArrayList<>();
        Timers timers = new Timers(KqueueProfile.FREEBSD, (ident, delete, flags, fflags, data, udata) -> {
            if (flags != 0) {
                added.add(udata);
            }
            return 0;
        }, () -> 0L);
        KqueueTimer t = timers.add(7);
        t.set(MS, MS);
        t.set(2 * MS, 2 * MS);
        EventSink sink = new EventSink(4);
        timers.report(t.ident, added.get(0), 3, sink);
        assertEquals(0, sink.size(), "a record of the first arm, decoded after the second set");
        timers.report(t.ident, added.get(1), 3, sink);
        assertEquals(1, sink.size());
        assertEquals(3L, sink.count(0));
        t.close();
        KqueueTimer u = timers.add(8);
        assertEquals(t.ident, u.ident);
        timers.report(u.ident, added.get(1), 1, sink);
        assertEquals(1, sink.size(), "a record of the closed timer is not the new one's");
    }

    // ---- processes ----

    @ParameterizedTest
    @EnumSource(KqueueProfile.class)
    void anExitIsReportedAndStaysForLevel(KqueueProfile p) throws IOException {
        FakeKernel k = new FakeKernel(p);
        KqueueSelector s = open(k);
        int kq = k.theKqueue();
        int descriptors = k.openDescriptors();
        int pid = k.spawn();
        FakeProcess h = k.handle(pid);
        s.registerProcess(h, 9, Interests.READABLE.level());
        if (p == KqueueProfile.LIBKQUEUE) {
            assertEquals(descriptors + 1, k.openDescriptors(), "a pidfd");
        } else {
            assertTrue(k.holds(kq, pid, p.constants.evfiltProc), "an EVFILT_PROC knote on the pid");
        }
        assertEquals(0, select(s).size());
        k.exit(pid, 3 << 8);
        EventSink sink = select(s);
        assertEquals(1, sink.size());
        assertEquals(9L, sink.token(0));
        assertEquals(EventSink.READABLE, sink.readiness(0));
        assertEquals(0L, sink.count(0));
        assertEquals(1, select(s).size(), "LEVEL: stays readable");
        s.deregisterProcess(h);
        assertEquals(0, select(s).size());
        assertEquals(descriptors, k.openDescriptors(), "the pidfd is closed on deregister");
    }

    /** Reaped before it was registered: EV_ADD (or pidfd_open) answers ESRCH, and the exit is reported. */
    @ParameterizedTest
    @EnumSource(KqueueProfile.class)
    void aProcessAlreadyReapedReportsItsExit(KqueueProfile p) throws IOException {
        FakeKernel k = new FakeKernel(p);
        KqueueSelector s = open(k);
        int pid = k.spawn();
        FakeProcess h = k.handle(pid);
        k.exit(pid, 0);
        k.reap(pid);
        s.registerProcess(h, 4, Interests.READABLE.edge());
        EventSink sink = select(s);
        assertEquals(1, sink.size());
        assertEquals(4L, sink.token(0));
        assertEquals(0, select(s).size(), "EDGE: once");
        s.reregisterProcess(h, 5, Interests.READABLE.oneshot());
        assertEquals(5L, select(s).token(0));
        assertEquals(0, select(s).size(), "ONESHOT: once per arm");
        s.reregisterProcess(h, 6, Interests.READABLE.oneshot());
        assertEquals(6L, select(s).token(0));
    }

    /**
     * Reaped and its pid taken by a new process before the register: the EV_ADD (or the pidfd)
     * attaches to the newcomer, isAlive() says the process asked for is gone, and the backend
     * lets go of the newcomer and reports the exit of the one asked for, never the newcomer's.
     */
    @ParameterizedTest
    @EnumSource(KqueueProfile.class)
    void aReusedPidIsNeverWatched(KqueueProfile p) throws IOException {
        FakeKernel k = new FakeKernel(p);
        KqueueSelector s = open(k);
        int kq = k.theKqueue();
        int descriptors = k.openDescriptors();
        int pid = k.spawn();
        FakeProcess h = k.handle(pid);
        k.exit(pid, 0);
        k.reap(pid);
        k.reuse(pid);
        assertTrue(k.running(pid), "another process has the pid now");
        s.registerProcess(h, 12, Interests.READABLE.edge());
        assertFalse(k.holds(kq, pid, p.constants.evfiltProc), "no knote left on the newcomer");
        EventSink sink = select(s);
        assertEquals(1, sink.size());
        assertEquals(12L, sink.token(0));
        k.exit(pid, 0); // the newcomer exits: not the registered process
        assertEquals(0, select(s).size());
        s.deregisterProcess(h);
        assertEquals(descriptors, k.openDescriptors());
    }

    @ParameterizedTest
    @EnumSource(KqueueProfile.class)
    void deregisterBeforeExitThenNothing(KqueueProfile p) throws IOException {
        FakeKernel k = new FakeKernel(p);
        KqueueSelector s = open(k);
        int pid = k.spawn();
        FakeProcess h = k.handle(pid);
        s.registerProcess(h, 1, Interests.READABLE.oneshot());
        s.deregisterProcess(h);
        k.exit(pid, 0);
        assertEquals(0, select(s).size());
        NotRegisteredException e = assertThrows(NotRegisteredException.class, () -> s.deregisterProcess(h));
        assertEquals("Registry.deregister pid=" + pid + ": not registered with this Poll", e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(KqueueProfile.class)
    void reregisterBeforeExitCarriesTheNewToken(KqueueProfile p) throws IOException {
        FakeKernel k = new FakeKernel(p);
        KqueueSelector s = open(k);
        int pid = k.spawn();
        FakeProcess h = k.handle(pid);
        s.registerProcess(h, 1, Interests.READABLE.oneshot());
        s.reregisterProcess(h, 2, Interests.READABLE.oneshot());
        AlreadyRegisteredException e = assertThrows(AlreadyRegisteredException.class,
                () -> s.registerProcess(h, 3, Interests.READABLE.oneshot()));
        assertEquals("Registry.register pid=" + pid + " token=3: already registered with this Poll", e.getMessage());
        k.exit(pid, 0);
        EventSink sink = select(s);
        assertEquals(1, sink.size());
        assertEquals(2L, sink.token(0));
        assertEquals(0, select(s).size());
    }

    /** A refusal other than ESRCH names the call, the pid and the token, and registers nothing. */
    @ParameterizedTest
    @EnumSource(value = KqueueProfile.class, names = "LIBKQUEUE", mode = EnumSource.Mode.EXCLUDE)
    void aRefusedWatchIsAnError(KqueueProfile p) throws IOException {
        FakeKernel k = new FakeKernel(p);
        KqueueSelector s = open(k);
        int pid = k.spawn();
        FakeProcess h = k.handle(pid);
        k.procRefusal = 1; // EPERM
        NativeException e = assertThrows(NativeException.class,
                () -> s.registerProcess(h, 7, Interests.READABLE.level()));
        assertEquals("kevent(EV_ADD) EVFILT_PROC pid=" + pid + " token=7: EPERM (Operation not permitted)",
                e.getMessage());
        k.procRefusal = 0;
        s.registerProcess(h, 7, Interests.READABLE.level());
        k.exit(pid, 0);
        assertEquals(7L, select(s).token(0));
    }

    @Test
    void aProcessIsOnlyReadable() throws IOException {
        FakeKernel k = new FakeKernel(KqueueProfile.MACOS);
        KqueueSelector s = open(k);
        FakeProcess h = k.handle(k.spawn());
        assertThrows(IllegalArgumentException.class,
                () -> s.registerProcess(h, 1, Interests.READABLE.add(Interests.WRITABLE)));
    }

    /** A register that fails after pidfd_open closes the pidfd: nothing is left open. */
    @Test
    void aFailedRegisterLeavesNoPidfd() throws IOException {
        FakeKernel k = new FakeKernel(KqueueProfile.LIBKQUEUE);
        KqueueSelector s = open(k);
        int before = k.openDescriptors();
        int pid = k.spawn();
        k.changeFailure = FakeKernel.EIO;
        NativeException e = assertThrows(NativeException.class,
                () -> s.registerProcess(k.handle(pid), 1, Interests.READABLE.level()));
        assertEquals("kevent(EV_ADD) EVFILT_READ pidfd pid=" + pid + " token=1: EIO (Input/output error)",
                e.getMessage());
        k.changeFailure = 0;
        assertEquals(before, k.openDescriptors(), "the pidfd was closed");
        s.registerProcess(k.handle(pid), 1, Interests.READABLE.level());
        k.exit(pid, 0);
        assertEquals(1L, select(s).token(0));
    }

    /** Pidfds still open when the selector closes are closed with it (libkqueue only has them). */
    @Test
    void closeClosesThePidfds() throws IOException {
        FakeKernel k = new FakeKernel(KqueueProfile.LIBKQUEUE);
        int before = k.openDescriptors();
        KqueueSelector s = KqueueSelector.open(k.profile, k);
        for (int i = 0; i < 5; i++) {
            s.registerProcess(k.handle(k.spawn()), i, Interests.READABLE.level());
        }
        s.close();
        assertEquals(before, k.openDescriptors());
    }

    /** The kqueue descriptor, pollable on the BSD kernels and xnu; none over libkqueue. */
    @ParameterizedTest
    @EnumSource(KqueueProfile.class)
    void descriptorPerProfile(KqueueProfile p) throws IOException {
        FakeKernel k = new FakeKernel(p);
        KqueueSelector s = open(k);
        if (p == KqueueProfile.LIBKQUEUE) {
            assertTrue(s.descriptor().isEmpty());
        } else {
            assertEquals(k.theKqueue(), s.descriptor().getAsInt());
        }
    }
}
