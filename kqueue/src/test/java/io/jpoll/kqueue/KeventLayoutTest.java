package io.jpoll.kqueue;

import com.sun.jna.Memory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * The {@code struct kevent} layouts against the offsets in the OS headers (written out here by
 * hand, not taken from the class under test), through real native memory.
 */
class KeventLayoutTest {

    @Test
    void bsdLayoutIs32BytesWithShortFilterAndFlags() {
        KeventLayout l = KeventLayout.BSD;
        assertEquals(32, l.size());
        assertEquals(8, l.filterOffset());
        assertEquals(2, l.filterWidth());
        assertEquals(10, l.flagsOffset());
        assertEquals(2, l.flagsWidth());
        assertEquals(12, l.fflagsOffset());
        assertEquals(16, l.dataOffset());
        assertEquals(24, l.udataOffset());
    }

    @Test
    void freebsd12LayoutIs64BytesWithExtAfterUdata() {
        KeventLayout l = KeventLayout.FREEBSD_12;
        assertEquals(64, l.size());
        assertEquals(8, l.filterOffset());
        assertEquals(2, l.filterWidth());
        assertEquals(10, l.flagsOffset());
        assertEquals(12, l.fflagsOffset());
        assertEquals(16, l.dataOffset());
        assertEquals(24, l.udataOffset());
    }

    @Test
    void netbsdLayoutIs40BytesWithIntFilterAndFlags() {
        KeventLayout l = KeventLayout.NETBSD;
        assertEquals(40, l.size());
        assertEquals(8, l.filterOffset());
        assertEquals(4, l.filterWidth());
        assertEquals(12, l.flagsOffset());
        assertEquals(4, l.flagsWidth());
        assertEquals(16, l.fflagsOffset());
        assertEquals(24, l.dataOffset());
        assertEquals(32, l.udataOffset());
    }

    @Test
    void profilesUseTheLayoutOfTheirHeaders() {
        assertSame(KeventLayout.BSD, KqueueProfile.MACOS.layout);
        assertSame(KeventLayout.BSD, KqueueProfile.OPENBSD.layout);
        assertSame(KeventLayout.BSD, KqueueProfile.DRAGONFLY.layout);
        assertSame(KeventLayout.BSD, KqueueProfile.FREEBSD_11.layout);
        assertSame(KeventLayout.BSD, KqueueProfile.LIBKQUEUE.layout);
        assertSame(KeventLayout.FREEBSD_12, KqueueProfile.FREEBSD.layout);
        assertSame(KeventLayout.NETBSD, KqueueProfile.NETBSD.layout);
    }

    /** Encodes the second record of an array and reads every field back with plain Memory getters. */
    @ParameterizedTest
    @EnumSource(KqueueProfile.class)
    void encodesAChangeRecordWhereTheKernelReadsIt(KqueueProfile p) {
        KeventLayout l = p.layout;
        KqueueConstants c = p.constants;
        try (Memory m = new Memory(l.size() * 2L)) {
            m.setMemory(0, m.size(), (byte) 0x5A); // garbage the encoder must overwrite
            ByteBuffer view = m.getByteBuffer(0, m.size()).order(ByteOrder.nativeOrder());
            int flags = c.evAdd | c.evReceipt | c.evDispatch;
            l.put(view, 1, 7L, c.evfiltWrite, flags, c.noteTrigger, 0L, 0x8000_0001_0000_0003L);

            long at = l.size();
            assertEquals(7L, m.getLong(at));
            if (p == KqueueProfile.NETBSD) {
                assertEquals(1, m.getInt(at + 8), "NetBSD EVFILT_WRITE is 1U");
                assertEquals(0x41 | 0x80, m.getInt(at + 12));
                assertEquals(0x01000000, m.getInt(at + 16));
                assertEquals(0, m.getInt(at + 20), "padding before data is zeroed");
                assertEquals(0L, m.getLong(at + 24));
                assertEquals(0x8000_0001_0000_0003L, m.getLong(at + 32));
            } else {
                assertEquals((short) -2, m.getShort(at + 8));
                assertEquals((short) 0xC1, m.getShort(at + 10));
                assertEquals(0x01000000, m.getInt(at + 12));
                assertEquals(0L, m.getLong(at + 16));
                assertEquals(0x8000_0001_0000_0003L, m.getLong(at + 24));
            }
            for (long ext = 32; ext < l.size() && p == KqueueProfile.FREEBSD; ext += 8) {
                assertEquals(0L, m.getLong(at + ext), "FreeBSD ext[] zeroed at " + ext);
            }
            assertEquals((byte) 0x5A, m.getByte(0), "record 0 untouched");
        }
    }

    /** Writes a record as the kernel would (plain Memory setters) and decodes it. */
    @ParameterizedTest
    @EnumSource(KqueueProfile.class)
    void decodesAnEventRecordTheKernelWrote(KqueueProfile p) {
        KeventLayout l = p.layout;
        KqueueConstants c = p.constants;
        try (Memory m = new Memory(l.size() * 3L)) {
            m.clear();
            long at = 2L * l.size();
            m.setLong(at, 12345L);
            if (p == KqueueProfile.NETBSD) {
                m.setInt(at + 8, 0);                    // EVFILT_READ 0U
                m.setInt(at + 12, 0x8000 | 0x4000);     // EV_EOF | EV_ERROR
                m.setInt(at + 16, 54);
                m.setLong(at + 24, -5L);
                m.setLong(at + 32, -1L);
            } else {
                m.setShort(at + 8, (short) -1);         // EVFILT_READ
                m.setShort(at + 10, (short) 0xC000);    // EV_EOF | EV_ERROR: above Short.MAX_VALUE
                m.setInt(at + 12, 54);
                m.setLong(at + 16, -5L);
                m.setLong(at + 24, -1L);
            }
            ByteBuffer view = m.getByteBuffer(0, m.size()).order(ByteOrder.nativeOrder());
            assertEquals(12345L, l.ident(view, 2));
            assertEquals(c.evfiltRead, l.filter(view, 2));
            assertEquals(c.evEof | c.evError, l.flags(view, 2), "flags read unsigned");
            assertEquals(54, l.fflags(view, 2));
            assertEquals(-5L, l.data(view, 2));
            assertEquals(-1L, l.udata(view, 2), "all 64 bits of udata");
        }
    }

    @ParameterizedTest
    @EnumSource(KqueueProfile.class)
    void roundTripsEveryFilterOfTheTable(KqueueProfile p) {
        KeventLayout l = p.layout;
        KqueueConstants c = p.constants;
        try (Memory m = new Memory(l.size() * 3L)) {
            ByteBuffer view = m.getByteBuffer(0, m.size()).order(ByteOrder.nativeOrder());
            int[] filters = {c.evfiltRead, c.evfiltWrite, c.evfiltUser};
            for (int i = 0; i < filters.length; i++) {
                l.put(view, i, i, filters[i], c.evAdd | c.evClear, 0, i * 10L, Long.MIN_VALUE + i);
            }
            for (int i = 0; i < filters.length; i++) {
                assertEquals(filters[i], l.filter(view, i), p + " filter " + i);
                assertEquals(c.evAdd | c.evClear, l.flags(view, i));
                assertEquals(i * 10L, l.data(view, i));
                assertEquals(Long.MIN_VALUE + i, l.udata(view, i));
            }
        }
    }
}
