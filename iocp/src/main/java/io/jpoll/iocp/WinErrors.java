package io.jpoll.iocp;

import io.jpoll.NativeException;

import java.util.HashMap;
import java.util.Map;
import java.util.function.IntUnaryOperator;

/**
 * The iocp backend's one owner of error codes: every NTSTATUS, Win32 and Winsock code it branches
 * on, the symbolic names and texts of those it meets, and {@link #error}, the factory of every
 * {@link NativeException} it throws. A table rather than FormatMessageW: the names are what users
 * search for, and the messages stay the same whatever the system's language.
 */
final class WinErrors {
    static final int STATUS_SUCCESS = 0;
    static final int STATUS_PENDING = 0x103;
    static final int STATUS_INVALID_HANDLE = 0xC0000008;
    static final int STATUS_CANCELLED = 0xC0000120;
    static final int STATUS_NOT_FOUND = 0xC0000225;

    static final int ERROR_INVALID_HANDLE = 6;
    static final int WAIT_TIMEOUT = 258;
    static final int WSAENOTSOCK = 10038;

    private static final Map<Integer, String[]> NT = new HashMap<>();
    private static final Map<Integer, String[]> WIN32 = new HashMap<>();

    static {
        nt(STATUS_SUCCESS, "STATUS_SUCCESS", "The operation completed successfully");
        nt(STATUS_PENDING, "STATUS_PENDING", "The operation that was requested is pending completion");
        nt(STATUS_INVALID_HANDLE, "STATUS_INVALID_HANDLE", "An invalid HANDLE was specified");
        nt(0xC000000D, "STATUS_INVALID_PARAMETER", "An invalid parameter was passed to a service or function");
        nt(0xC0000010, "STATUS_INVALID_DEVICE_REQUEST", "The specified request is not a valid operation for the target device");
        nt(0xC0000017, "STATUS_NO_MEMORY", "Not enough virtual memory or paging file quota is available");
        nt(0xC0000022, "STATUS_ACCESS_DENIED", "A process has requested access to an object but has not been granted those access rights");
        nt(0xC0000023, "STATUS_BUFFER_TOO_SMALL", "The buffer is too small to contain the entry");
        nt(0xC0000024, "STATUS_OBJECT_TYPE_MISMATCH", "There is a mismatch between the type of object that is required and the type that was passed");
        nt(0xC0000034, "STATUS_OBJECT_NAME_NOT_FOUND", "The object name is not found");
        nt(0xC000009A, "STATUS_INSUFFICIENT_RESOURCES", "Insufficient system resources exist to complete the API");
        nt(0xC00000BB, "STATUS_NOT_SUPPORTED", "The request is not supported");
        nt(STATUS_CANCELLED, "STATUS_CANCELLED", "The I/O request was canceled");
        nt(STATUS_NOT_FOUND, "STATUS_NOT_FOUND", "The object was not found");

        win32(0, "ERROR_SUCCESS", "The operation completed successfully");
        win32(5, "ERROR_ACCESS_DENIED", "Access is denied");
        win32(ERROR_INVALID_HANDLE, "ERROR_INVALID_HANDLE", "The handle is invalid");
        win32(8, "ERROR_NOT_ENOUGH_MEMORY", "Not enough memory resources are available to process this command");
        win32(87, "ERROR_INVALID_PARAMETER", "The parameter is incorrect");
        win32(122, "ERROR_INSUFFICIENT_BUFFER", "The data area passed to a system call is too small");
        win32(WAIT_TIMEOUT, "WAIT_TIMEOUT", "The wait operation timed out");
        win32(735, "ERROR_ABANDONED_WAIT_0", "The I/O completion port was closed while a thread waited on it");
        win32(995, "ERROR_OPERATION_ABORTED", "The I/O operation has been aborted because of either a thread exit or an application request");
        win32(997, "ERROR_IO_PENDING", "Overlapped I/O operation is in progress");
        win32(1168, "ERROR_NOT_FOUND", "Element not found");
        win32(1450, "ERROR_NO_SYSTEM_RESOURCES", "Insufficient system resources exist to complete the requested service");
        win32(10004, "WSAEINTR", "A blocking operation was interrupted");
        win32(10014, "WSAEFAULT", "The system detected an invalid pointer address");
        win32(10022, "WSAEINVAL", "An invalid argument was supplied");
        win32(10036, "WSAEINPROGRESS", "A blocking operation is currently executing");
        win32(WSAENOTSOCK, "WSAENOTSOCK", "An operation was attempted on something that is not a socket");
        win32(10045, "WSAEOPNOTSUPP", "The attempted operation is not supported for the type of object referenced");
        win32(10050, "WSAENETDOWN", "A socket operation encountered a dead network");
        win32(10067, "WSAEPROCLIM", "Too many processes are using Windows Sockets");
        win32(10091, "WSASYSNOTREADY", "The network subsystem is unavailable");
        win32(10092, "WSAVERNOTSUPPORTED", "The Windows Sockets version requested is not supported");
        win32(10093, "WSANOTINITIALISED", "WSAStartup has not been called successfully");
    }

    private WinErrors() {
    }

    private static void nt(int code, String name, String text) {
        NT.put(code, new String[] {name, text});
    }

    private static void win32(int code, String name, String text) {
        WIN32.put(code, new String[] {name, text});
    }

    /** Like {@code STATUS_CANCELLED}, or {@code NTSTATUS 0xC0001234} when the table lacks it. */
    static String ntStatusName(int status) {
        String[] e = NT.get(status);
        return e != null ? e[0] : String.format("NTSTATUS 0x%08X", status);
    }

    /** Like {@code WSAENOTSOCK}, or {@code Win32 error 1234} when the table lacks it. */
    static String win32Name(int error) {
        String[] e = WIN32.get(error);
        return e != null ? e[0] : "Win32 error " + error;
    }

    static String win32Text(int error) {
        String[] e = WIN32.get(error);
        return e != null ? e[1] : "no description in jpoll's table";
    }

    /**
     * The NativeException of a failed call, like {@code NtCancelIoFileEx socket=260 token=5:
     * STATUS_INVALID_HANDLE (An invalid HANDLE was specified)}. The same signature as the epoll and
     * kqueue backends' factories.
     *
     * <p>One factory for both code spaces, told apart by sign: every NTSTATUS that reports a failure
     * has its severity bits (31-30) set, so it is negative as an {@code int}, while Win32 and Winsock
     * errors are small positive numbers. For an NTSTATUS the table lacks, the text names the Win32
     * error RtlNtStatusToDosError maps it to, where ntdll is bound (on Windows).
     *
     * @param operation   the call and its mode
     * @param handleLabel {@code socket} or {@code handle}, or null when the call had none
     * @param handle      the SOCKET or HANDLE, ignored when {@code handleLabel} is null
     * @param detail      more context such as the token, or null
     * @param code        a failure NTSTATUS, or a Win32 or Winsock error
     */
    static NativeException error(String operation, String handleLabel, long handle, String detail, int code) {
        if (code < 0) {
            return nt(operation, handleLabel, handle, detail, code, WinErrors::nativeToWin32);
        }
        return new NativeException(operation, handleLabel, handle, detail, code, win32Name(code), win32Text(code));
    }

    /** RtlNtStatusToDosError where ntdll is bound; -1 (no mapping) elsewhere, as in the fakes. */
    private static int nativeToWin32(int status) {
        return Natives.failure() == null ? Ntdll.RtlNtStatusToDosError(status) : -1;
    }

    /**
     * A failed NT call, with the caller's mapping for a status the table lacks.
     *
     * @deprecated {@link #error} covers NTSTATUS; kept only until the callers written before it move
     */
    @Deprecated
    static NativeException ntStatus(String operation, String handleLabel, long handle, String detail,
                                    int status, IntUnaryOperator toWin32) {
        return nt(operation, handleLabel, handle, detail, status, toWin32);
    }

    private static NativeException nt(String operation, String handleLabel, long handle, String detail,
                                      int status, IntUnaryOperator toWin32) {
        String[] e = NT.get(status);
        String text;
        if (e != null) {
            text = e[1];
        } else {
            int win32 = toWin32.applyAsInt(status);
            text = win32 < 0 ? "no description in jpoll's table" : "maps to " + win32Name(win32) + ": " + win32Text(win32);
        }
        return new NativeException(operation, handleLabel, handle, detail, status, ntStatusName(status), text);
    }

    /**
     * A failed Win32 or Winsock call.
     *
     * @deprecated {@link #error} covers Win32 and Winsock errors; kept only until the callers
     *             written before it move
     */
    @Deprecated
    static NativeException win32(String operation, String handleLabel, long handle, String detail, int error) {
        return error(operation, handleLabel, handle, detail, error);
    }
}
