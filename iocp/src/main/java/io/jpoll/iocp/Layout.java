package io.jpoll.iocp;

/**
 * Offsets and sizes of the Windows x64 structures jpoll reads and writes by hand. They hold only
 * for x64 (8-byte pointers and ULONG_PTR, 4-byte ULONG and NTSTATUS), which is why the backend
 * refuses every other architecture. {@code LayoutTest} checks each against JNA's own struct layout.
 */
final class Layout {
    private Layout() {
    }

    /** OVERLAPPED_ENTRY, one record of GetQueuedCompletionStatusEx. */
    static final int ENTRY_SIZE = 32;
    static final int ENTRY_KEY = 0;
    static final int ENTRY_OVERLAPPED = 8;
    static final int ENTRY_INTERNAL = 16;
    static final int ENTRY_BYTES = 24;

    /** IO_STATUS_BLOCK: a union of NTSTATUS and PVOID, then ULONG_PTR Information. */
    static final int IOSB_SIZE = 16;
    static final int IOSB_STATUS = 0;
    static final int IOSB_INFORMATION = 8;

    /** AFD_POLL_HANDLE_INFO. */
    static final int HANDLE_INFO_SIZE = 16;
    static final int HANDLE_INFO_HANDLE = 0;
    static final int HANDLE_INFO_EVENTS = 8;
    static final int HANDLE_INFO_STATUS = 12;

    /** AFD_POLL_INFO with exactly one AFD_POLL_HANDLE_INFO, the only shape jpoll sends. */
    static final int POLL_INFO_SIZE = 32;
    static final int POLL_INFO_TIMEOUT = 0;
    static final int POLL_INFO_COUNT = 8;
    static final int POLL_INFO_EXCLUSIVE = 12;
    static final int POLL_INFO_HANDLES = 16;

    /** UNICODE_STRING: lengths in bytes, without a terminating NUL. */
    static final int USTRING_SIZE = 16;
    static final int USTRING_LENGTH = 0;
    static final int USTRING_MAXIMUM_LENGTH = 2;
    static final int USTRING_BUFFER = 8;

    /** OBJECT_ATTRIBUTES. */
    static final int OBJATTR_SIZE = 48;
    static final int OBJATTR_LENGTH = 0;
    static final int OBJATTR_ROOT_DIRECTORY = 8;
    static final int OBJATTR_OBJECT_NAME = 16;
    static final int OBJATTR_ATTRIBUTES = 24;
    static final int OBJATTR_SECURITY_DESCRIPTOR = 32;
    static final int OBJATTR_SECURITY_QOS = 40;

    /**
     * One socket's native block. The kernel writes the IO_STATUS_BLOCK and AFD_POLL_INFO of a
     * pending poll, so the block lives exactly as long as that poll; the second IO_STATUS_BLOCK is
     * NtCancelIoFileEx's own. The first one's address is the OVERLAPPED pointer of the poll's
     * completion, by which the selector finds the socket again.
     */
    static final int BLOCK_IOSB = 0;
    static final int BLOCK_POLL_INFO = BLOCK_IOSB + IOSB_SIZE;
    static final int BLOCK_CANCEL_IOSB = BLOCK_POLL_INFO + POLL_INFO_SIZE;
    static final int BLOCK_SIZE = BLOCK_CANCEL_IOSB + IOSB_SIZE;
}
