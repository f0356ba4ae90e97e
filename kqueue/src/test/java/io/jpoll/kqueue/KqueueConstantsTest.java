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
