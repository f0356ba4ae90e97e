package io.jpoll.iocp;

import io.jpoll.NativeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

import static org.junit.jupiter.api.Assertions.assertEquals;

class WinErrorsTest {
    @Test
    void statusValues() {
        assertEquals(0, WinErrors.STATUS_SUCCESS);
        assertEquals(0x103, WinErrors.STATUS_PENDING);
        assertEquals(0xC0000120, WinErrors.STATUS_CANCELLED);
        assertEquals(0xC0000225, WinErrors.STATUS_NOT_FOUND);
        assertEquals(0xC0000008, WinErrors.STATUS_INVALID_HANDLE);
        assertEquals(258, WinErrors.WAIT_TIMEOUT);
    }

    @Test
    void errorStatusesAreNegativeAsInts() {
        // The selector tells a failed poll by a negative status, as NT_SUCCESS does.
        assertEquals(true, WinErrors.STATUS_CANCELLED < 0);
        assertEquals(true, WinErrors.STATUS_INVALID_HANDLE < 0);
        assertEquals(false, WinErrors.STATUS_PENDING < 0);
    }

    @Test
    void ntStatusNames() {
        assertEquals("STATUS_CANCELLED", WinErrors.ntStatusName(0xC0000120));
        assertEquals("STATUS_NOT_FOUND", WinErrors.ntStatusName(0xC0000225));
        assertEquals("NTSTATUS 0xC0001234", WinErrors.ntStatusName(0xC0001234));
    }

    @Test
    void ntStatusExceptionCarriesCodeNameAndText() {
        NativeException e = WinErrors.error("NtCancelIoFileEx", "socket", 260, "token=5", 0xC0000008);
        assertEquals("NtCancelIoFileEx socket=260 token=5: STATUS_INVALID_HANDLE (An invalid HANDLE was specified)",
                e.getMessage());
        assertEquals(0xC0000008, e.errorCode());
        assertEquals("STATUS_INVALID_HANDLE", e.errorName());
        assertEquals(260, e.handle());
        assertEquals("NtCancelIoFileEx", e.operation());
    }

    @Test
    @DisabledOnOs(OS.WINDOWS) // there RtlNtStatusToDosError names it
    void unknownNtStatusWithoutNtdllSaysSo() {
        NativeException e = WinErrors.error("NtCreateFile(\\Device\\Afd\\Jpoll)", null, 0, null, 0xC0000427);
        assertEquals("NtCreateFile(\\Device\\Afd\\Jpoll): NTSTATUS 0xC0000427 (no description in jpoll's table)",
                e.getMessage());
        assertEquals(0xC0000427, e.errorCode());
    }

    @Test
    @SuppressWarnings("deprecation") // the mapping is the same one error() uses on Windows
    void unknownNtStatusIsDescribedByItsWin32Error() {
        NativeException e = WinErrors.ntStatus("NtCreateFile(\\Device\\Afd\\Jpoll)", null, 0, null, 0xC0000427,
                s -> s == 0xC0000427 ? 10038 : 0);
        assertEquals("NtCreateFile(\\Device\\Afd\\Jpoll): NTSTATUS 0xC0000427 (maps to WSAENOTSOCK: An operation"
                + " was attempted on something that is not a socket)", e.getMessage());
        assertEquals(-1, e.handle());
    }

    @Test
    void win32ExceptionCarriesCodeNameAndText() {
        NativeException e = WinErrors.error("GetQueuedCompletionStatusEx", "handle", 0x1F4, null, 735);
        assertEquals("GetQueuedCompletionStatusEx handle=500: ERROR_ABANDONED_WAIT_0 (The I/O completion port was"
                + " closed while a thread waited on it)", e.getMessage());
        assertEquals(735, e.errorCode());
        assertEquals("ERROR_ABANDONED_WAIT_0", e.errorName());
        assertEquals("Win32 error 4242", WinErrors.win32Name(4242));
        assertEquals("no description in jpoll's table", WinErrors.win32Text(4242));
    }
}
