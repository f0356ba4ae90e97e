package io.jpoll.iocp;

import com.sun.jna.Pointer;
import io.jpoll.spi.EventSink;
import io.jpoll.spi.TimerHandle;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Delivering a timer's expiries and arming and cancelling a timer allocate nothing once warm,
 * against a port and wait port that themselves allocate nothing. Tests the Java logic only.
 */
class TimerAllocationTest {
    private static final long MS = 1_000_000;
    private static final long TOKEN = 77;

    /**
     * Two timers (handles 0 and 1 plus {@link #TIMER}) and two packets (0 and 1 plus
     * {@link #PACKET}), the packet n made for the timer n; a packet's record is dequeued once the
     * clock passes its timer's due time.
     */
    static final class QuietWaits implements WaitPort {
        static final long TIMER = 0x50;
        static final long PACKET = 0x60;
        long now = 1_000 * MS;
        final long[] dueAt = new long[2];
        final boolean[] armed = new boolean[2];
        final long[] key = new long[2];
        final boolean[] associated = new boolean[2];
        private int timers;
        private int packets;

        @Override
        public String unavailable() {
            return null;
        }

        @Override
        public long createTimer() {
            return TIMER + timers++;
        }

        @Override
        public int setTimer(long timer, long relativeNanos) {
            int i = (int) (timer - TIMER);
            dueAt[i] = now + relativeNanos;
            armed[i] = true;
            return 0;
        }

        @Override
        public int cancelTimer(long timer) {
            armed[(int) (timer - TIMER)] = false;
            return 0;
        }

        @Override
        public long createPacket() {
            return PACKET + packets++;
        }

        @Override
        public int associate(long packet, long object, long k) {
            int i = (int) (packet - PACKET);
            assertEquals(i, (int) (object - TIMER), "packet n waits on timer n");
            key[i] = k;
            associated[i] = true;
            return WinErrors.STATUS_SUCCESS;
        }

        @Override
        public int cancelPacket(long packet) {
            int i = (int) (packet - PACKET);
            boolean was = associated[i];
            associated[i] = false;
            return was ? WinErrors.STATUS_SUCCESS : WinErrors.STATUS_CANCELLED;
        }

        @Override
        public long openProcess(long pid) {
            return 0;
        }

        @Override
        public void closeHandle(long handle) {
        }

        @Override
        public int lastError() {
            return 0;
        }

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public void close() {
        }
    }

    static final class QuietPort extends LayoutTest.RecordingPort {
        final QuietWaits waits = new QuietWaits();
        private long entriesAddress;
        private Pointer entries;
        private long removedAddress;
        private Pointer removed;

        @Override
        public WaitPort waits() {
            return waits;
        }

        @Override
        public int poll(long helper, long iosb, long pollInfo) {
            throw new AssertionError("poll");
        }

        @Override
        public boolean dequeue(long entriesAt, int max, long removedAt, int millis) {
            if (entriesAt != entriesAddress) {
                entriesAddress = entriesAt;
                entries = new Pointer(entriesAt);
            }
            if (removedAt != removedAddress) {
                removedAddress = removedAt;
                removed = new Pointer(removedAt);
            }
            int n = 0;
            for (int i = 0; i < 2 && n < max; i++) {
                if (waits.associated[i] && waits.armed[i] && waits.now - waits.dueAt[i] >= 0) {
                    waits.associated[i] = false;
                    waits.armed[i] = false;
                    int at = n++ * Layout.ENTRY_SIZE;
                    entries.setLong(at + Layout.ENTRY_KEY, waits.key[i]);
                    entries.setLong(at + Layout.ENTRY_OVERLAPPED, 0);
                    entries.setInt(at + Layout.ENTRY_BYTES, AfdPort.POST_SIGNAL);
                }
            }
            removed.setInt(0, n);
            return n > 0;
        }

        @Override
        public void close() {
        }
    }

    @Test
    void expiriesAndArmingAndCancellingAllocateNothing() throws Exception {
        QuietPort port = new QuietPort();
        IocpSelector selector = new IocpSelector(port);
        try {
            TimerHandle tick = selector.newTimer(TOKEN);
            TimerHandle other = selector.newTimer(TOKEN + 1);
            tick.set(MS, MS);
            EventSink sink = new EventSink(8);
            for (int i = 0; i < 20_000; i++) {
                cycle(selector, port.waits, tick, other, sink);
            }
            com.sun.management.ThreadMXBean threads =
                    (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long thread = Thread.currentThread().getId();
            long before = threads.getThreadAllocatedBytes(thread);
            int iterations = 20_000;
            for (int i = 0; i < iterations; i++) {
                cycle(selector, port.waits, tick, other, sink);
            }
            long allocated = threads.getThreadAllocatedBytes(thread) - before;
            // A single object per round would be at least 16 bytes x 20,000; allow the probe's own noise.
            assertTrue(allocated < 16_384, "allocated " + allocated + " bytes in " + iterations + " rounds");
        } finally {
            selector.close();
        }
    }

    /** One expiry of the periodic timer delivered, and the other timer armed and cancelled. */
    private static void cycle(IocpSelector selector, QuietWaits waits, TimerHandle tick, TimerHandle other,
                              EventSink sink) throws Exception {
        other.set(5 * MS, 0);
        other.cancel();
        waits.now += MS;
        sink.clear();
        selector.select(sink, 0);
        assertEquals(1, sink.size());
        assertEquals(TOKEN, sink.token(0));
        assertEquals(EventSink.READABLE, sink.readiness(0));
        assertEquals(1, sink.count(0));
    }
}
