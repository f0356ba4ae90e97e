package io.jpoll.kqueue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every table against the values of its OS's headers, written out here independently. */
class KqueueConstantsTest {

    @Test
    void filtersPerOs() {
        assertFilters(KqueueConstants.MACOS, -1, -2, -10);
        assertFilters(KqueueConstants.FREEBSD, -1, -2, -11);
        assertFilters(KqueueConstants.OPENBSD, -1, -2, -10);
        assertFilters(KqueueConstants.NETBSD, 0, 1, 8);
        assertFilters(KqueueConstants.DRAGONFLY, -1, -2, -9);
        assertFilters(KqueueConstants.LIBKQUEUE, -1, -2, -11);
    }

    private static void assertFilters(KqueueConstants c, int read, int write, int user) {
        assertEquals(read, c.evfiltRead, c.os + " EVFILT_READ");
        assertEquals(write, c.evfiltWrite, c.os + " EVFILT_WRITE");
        assertEquals(user, c.evfiltUser, c.os + " EVFILT_USER");
    }

    /**
     * EVFILT_PROC, EVFILT_TIMER and NOTE_EXIT per OS (NetBSD numbers filters from 0), and the
     * NOTE_NSECONDS the backend uses: xnu and libkqueue 0x4, FreeBSD 0x8; none where it keeps
     * milliseconds (NetBSD's and OpenBSD's newer units are 3, not relied on).
     */
    @Test
    void processAndTimerFiltersPerOs() {
        assertEvents(KqueueConstants.MACOS, -5, -7, 0x4);
        assertEvents(KqueueConstants.FREEBSD, -5, -7, 0x8);
        assertEvents(KqueueConstants.OPENBSD, -5, -7, KqueueConstants.NO_TIMER_UNIT);
        assertEvents(KqueueConstants.NETBSD, 4, 6, KqueueConstants.NO_TIMER_UNIT);
        assertEvents(KqueueConstants.DRAGONFLY, -5, -7, KqueueConstants.NO_TIMER_UNIT);
        assertEvents(KqueueConstants.LIBKQUEUE, -5, -7, 0x4);
    }

    private static void assertEvents(KqueueConstants c, int proc, int timer, int nseconds) {
        assertEquals(proc, c.evfiltProc, c.os + " EVFILT_PROC");
        assertEquals(timer, c.evfiltTimer, c.os + " EVFILT_TIMER");
        assertEquals(0x80000000, c.noteExit, c.os + " NOTE_EXIT");
        assertEquals(nseconds, c.noteNseconds, c.os + " NOTE_NSECONDS");
    }

    @ParameterizedTest
    @EnumSource(KqueueProfile.class)
    void flagsAreTheSameEverywhere(KqueueProfile p) {
        KqueueConstants c = p.constants;
        assertEquals(0x0001, c.evAdd);
        assertEquals(0x0002, c.evDelete);
        assertEquals(0x0004, c.evEnable);
        assertEquals(0x0008, c.evDisable);
        assertEquals(0x0010, c.evOneshot);
        assertEquals(0x0020, c.evClear);
        assertEquals(0x0040, c.evReceipt);
        assertEquals(0x0080, c.evDispatch);
        assertEquals(0x4000, c.evError);
        assertEquals(0x8000, c.evEof);
        assertEquals(0x01000000, c.noteTrigger);
    }

    @Test
    void nonblockIsLinuxsOwnOnlyForLibkqueue() {
        assertEquals(0x0800, KqueueConstants.LIBKQUEUE.oNonblock);
        for (KqueueConstants c : new KqueueConstants[]{KqueueConstants.MACOS, KqueueConstants.FREEBSD,
                KqueueConstants.OPENBSD, KqueueConstants.NETBSD, KqueueConstants.DRAGONFLY}) {
            assertEquals(0x0004, c.oNonblock, c.os);
        }
    }

    @Test
    void namesOperationsForMessages() {
        KqueueConstants c = KqueueConstants.NETBSD;
        assertEquals("kevent(EV_ADD)", c.operation(c.evAdd | c.evReceipt | c.evEnable, 0));
        assertEquals("kevent(EV_DELETE)", c.operation(c.evDelete | c.evReceipt, 0));
        assertEquals("kevent(NOTE_TRIGGER)", c.operation(c.evReceipt, c.noteTrigger));
    }
}
