package io.jpoll.iocp;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import io.jpoll.NativeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fake itself: closing and reusing SOCKET numbers as Windows does, seen through raw polls. */
class FakeAfdPortTest {
    private static final long S = 0x200;

    private final FakeAfdPort afd = new FakeAfdPort();
    private final long helper = afd.openHelper();
    private final Memory block = new Memory(Layout.BLOCK_SIZE);
    private final EntryBuffer entries = new EntryBuffer();

    @AfterEach
    void free() {
        assertEquals(List.of(), afd.violations());
        block.close();
        entries.free();
    }

    /** Starts a poll of {@code base} for {@code mask} in the test's block; returns the NTSTATUS. */
    private int poll(long base, int mask) {
        block.clear();
        block.setInt(Layout.BLOCK_IOSB + Layout.IOSB_STATUS, WinErrors.STATUS_PENDING);
        long info = Layout.BLOCK_POLL_INFO;
        block.setInt(info + Layout.POLL_INFO_COUNT, 1);
        block.setLong(info + Layout.POLL_INFO_HANDLES + Layout.HANDLE_INFO_HANDLE, base);
        block.setInt(info + Layout.POLL_INFO_HANDLES + Layout.HANDLE_INFO_EVENTS, mask);
        long address = Pointer.nativeValue(block);
        return afd.poll(helper, address + Layout.BLOCK_IOSB, address + Layout.BLOCK_POLL_INFO);
    }

    private int dequeued() throws NativeException {
        return afd.dequeue(entries.entries, EntryBuffer.CAPACITY, entries.removed, 0) ? entries.removedCount() : 0;
    }

    private int status() {
        return block.getInt(Layout.BLOCK_IOSB + Layout.IOSB_STATUS);
    }

    private int events() {
        return block.getInt(Layout.BLOCK_POLL_INFO + Layout.POLL_INFO_HANDLES + Layout.HANDLE_INFO_EVENTS);
    }

    @Test
    void closeWithAPollPendingQueuesLocalClose() throws Exception {
        long base = afd.baseSocket(S);
        assertEquals(WinErrors.STATUS_PENDING, poll(base, AfdFlags.LOCAL_CLOSE | AfdFlags.RECEIVE));
        afd.closeSocket(S);
        assertEquals(1, dequeued());
        assertEquals(Pointer.nativeValue(block), entries.overlapped(0));
        assertEquals(WinErrors.STATUS_SUCCESS, status());
        assertEquals(AfdFlags.LOCAL_CLOSE, events());
    }

    @Test
    void closeWithNoPollPendingProducesNothingAndTheNumberIsDead() throws Exception {
        long base = afd.baseSocket(S);
        afd.closeSocket(S);
        assertEquals(0, dequeued());
        assertEquals(WinErrors.STATUS_INVALID_HANDLE, poll(base, AfdFlags.LOCAL_CLOSE));
        NativeException e = assertThrows(NativeException.class, () -> afd.baseSocket(S));
        assertEquals("WSAENOTSOCK", e.errorName());
    }

    @Test
    void aReusedNumberNamesANewSocketAndOldPollsStayWithTheOldOne() throws Exception {
        FakeAfdPort.Socket first = afd.socket(S);
        assertEquals(WinErrors.STATUS_PENDING, poll(afd.baseSocket(S), AfdFlags.LOCAL_CLOSE | AfdFlags.SEND));
        afd.closeSocket(S);
        FakeAfdPort.Socket second = afd.openSocket(S);
        assertNotSame(first, second);
        assertTrue(first.closed);
        assertFalse(second.closed);
        assertEquals(S + FakeAfdPort.BASE_OFFSET, afd.baseSocket(S), "without a layered provider the base comes back too");

        // The poll started before the close ended with it; the new socket's readiness is its own.
        afd.setReady(S, AfdFlags.SEND);
        assertEquals(1, dequeued());
        assertEquals(AfdFlags.LOCAL_CLOSE, events());
        assertNull(afd.pendingOn(first));
        assertEquals(WinErrors.STATUS_SUCCESS, poll(afd.baseSocket(S), AfdFlags.SEND), "the new socket is writable");
        assertEquals(1, dequeued());
        assertEquals(AfdFlags.SEND, events());
        assertNull(afd.pendingOn(second));
    }

    @Test
    void aLayeredSocketCanGetTheNumberWithAnotherBase() throws Exception {
        afd.closeSocket(S);
        afd.openLayered(S, 0x9990);
        assertEquals(0x9990, afd.baseSocket(S));
        assertEquals(WinErrors.STATUS_INVALID_HANDLE, poll(S + FakeAfdPort.BASE_OFFSET, AfdFlags.LOCAL_CLOSE));
        assertEquals(WinErrors.STATUS_PENDING, poll(0x9990, AfdFlags.LOCAL_CLOSE));
        assertNotNull(afd.pendingFor(S));
    }

    @Test
    void deferredWritesLeaveTheStatusPendingUntilDequeued() throws Exception {
        afd.writeOnDequeue(true);
        assertEquals(WinErrors.STATUS_PENDING, poll(afd.baseSocket(S), AfdFlags.LOCAL_CLOSE));
        afd.closeSocket(S);
        assertEquals(1, afd.queued());
        assertEquals(WinErrors.STATUS_PENDING, status(), "not written before the dequeue");
        assertEquals(1, dequeued());
        assertEquals(WinErrors.STATUS_SUCCESS, status());
        assertEquals(AfdFlags.LOCAL_CLOSE, events());
    }
}
