package io.jpoll.iocp;

import com.sun.jna.Pointer;
import io.jpoll.Interests;
import io.jpoll.spi.EventSink;
import io.jpoll.spi.WakerHandle;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The select path allocates nothing per poll once warm: a LEVEL socket that stays readable (flush,
 * cancel of its close-only poll, reissue, dequeue, decode, event) and a waker, against a port that
 * itself allocates nothing.
 * Like the other fakes this tests the selector's Java logic only.
 */
class SteadyStateAllocationTest {
    private static final long SOCKET = 0x200;
    private static final long WAKER_TOKEN = 99;

    /**
     * One outstanding poll and one posted packet at most. A poll asking for RECEIVE completes
     * with it at the next dequeue; any other poll pends until cancelled.
     */
    static final class QuietPort extends LayoutTest.RecordingPort {
        private long pendingIosb;
        private long pendingInfo;
        private int pendingMask;
        private boolean cancelled;
        private long postedKey;
        private boolean posted;
        private long entriesAddress;
        private Pointer entries;
        private long removedAddress;
        private Pointer removed;
        private long blockAddress;
        private Pointer block;

        @Override
        public long openHelper() {
            return 0x99;
        }

        @Override
        public void closeHelper(long helper) {
        }

        @Override
        public long baseSocket(long socket) {
            return socket;
        }

        @Override
        public int poll(long helper, long iosb, long pollInfo) {
            pendingIosb = iosb;
            pendingInfo = pollInfo;
            block(iosb);
            pendingMask = block.getInt(pollInfo - iosb + Layout.POLL_INFO_HANDLES + Layout.HANDLE_INFO_EVENTS);
            cancelled = false;
            return WinErrors.STATUS_PENDING;
        }

        @Override
        public int cancel(long helper, long iosb, long cancelIosb) {
            if (iosb != pendingIosb) {
                return WinErrors.STATUS_NOT_FOUND;
            }
            cancelled = true;
            return WinErrors.STATUS_SUCCESS;
        }

        @Override
        public void post(int bytes, long key) {
            postedKey = key;
            posted = true;
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
            if (pendingIosb != 0 && (cancelled || (pendingMask & AfdFlags.RECEIVE) != 0) && n < max) {
                writeCompletion(n++);
            }
            if (posted && n < max) {
                int at = n++ * Layout.ENTRY_SIZE;
                entries.setLong(at + Layout.ENTRY_KEY, postedKey);
                entries.setLong(at + Layout.ENTRY_OVERLAPPED, 0);
                entries.setInt(at + Layout.ENTRY_BYTES, AfdPort.POST_WAKE);
                posted = false;
            }
            removed.setInt(0, n);
            return n > 0;
        }

        private void block(long iosb) {
            if (iosb != blockAddress) {
                blockAddress = iosb;
                block = new Pointer(iosb);
            }
        }

        private void writeCompletion(int i) {
            long iosb = pendingIosb;
            pendingIosb = 0;
            block(iosb);
            int info = (int) (pendingInfo - iosb);
            if (cancelled) {
                block.setInt(Layout.IOSB_STATUS, WinErrors.STATUS_CANCELLED);
            } else {
                block.setInt(Layout.IOSB_STATUS, WinErrors.STATUS_SUCCESS);
                block.setInt(info + Layout.POLL_INFO_COUNT, 1);
                block.setInt(info + Layout.POLL_INFO_HANDLES + Layout.HANDLE_INFO_EVENTS, AfdFlags.RECEIVE);
            }
            int at = i * Layout.ENTRY_SIZE;
            entries.setLong(at + Layout.ENTRY_KEY, 0);
            entries.setLong(at + Layout.ENTRY_OVERLAPPED, iosb);
            entries.setInt(at + Layout.ENTRY_BYTES, Layout.POLL_INFO_SIZE);
        }

        @Override
        public void close() {
        }
    }

    @Test
    void levelSocketAndWakerCyclesAllocateNothing() throws Exception {
        QuietPort port = new QuietPort();
        IocpSelector selector = new IocpSelector(port);
        try {
            selector.register(SOCKET, 5, Interests.READABLE.level());
            WakerHandle waker = selector.newWaker(WAKER_TOKEN);
            EventSink sink = new EventSink(8);
            selector.select(sink, 0);
            assertEquals(1, sink.size(), "the first poll reports the socket");
            for (int i = 0; i < 20_000; i++) {
                cycle(selector, waker, sink);
            }
            com.sun.management.ThreadMXBean threads =
                    (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long thread = Thread.currentThread().getId();
            long before = threads.getThreadAllocatedBytes(thread);
            int iterations = 20_000;
            for (int i = 0; i < iterations; i++) {
                cycle(selector, waker, sink);
            }
            long allocated = threads.getThreadAllocatedBytes(thread) - before;
            // A single object per poll would be at least 16 bytes x 20,000; allow the probe's own noise.
            assertTrue(allocated < 16_384, "allocated " + allocated + " bytes in " + iterations + " polls");
        } finally {
            selector.close();
        }
    }

    /**
     * One steady-state round. The LEVEL socket rests on a close-only poll after each event; the
     * select with the waker cancels that poll and starts the full one, and the next select
     * reports the socket again.
     */
    private static void cycle(IocpSelector selector, WakerHandle waker, EventSink sink) throws Exception {
        sink.clear();
        waker.wake();
        selector.select(sink, 0);
        assertEquals(1, sink.size());
        assertEquals(WAKER_TOKEN, sink.token(0));
        sink.clear();
        selector.select(sink, 0);
        assertEquals(1, sink.size());
        assertEquals(5, sink.token(0));
        assertEquals(EventSink.READABLE, sink.readiness(0));
    }
}
