package io.jpoll.iocp;

/**
 * The kernel32 functions of the completion port, direct-mapped. Handles and pointers are
 * {@code long} (x64), BOOL, DWORD and ULONG are {@code int}. Bound by {@link Natives}, only on
 * Windows; calling any of these before that fails with UnsatisfiedLinkError.
 */
final class Kernel32 {
    static final long INVALID_HANDLE_VALUE = -1L;
    static final int INFINITE = -1;
    static final byte FILE_SKIP_SET_EVENT_ON_HANDLE = 0x2;

    private Kernel32() {
    }

    static native long CreateIoCompletionPort(long fileHandle, long existingPort, long completionKey,
                                              int concurrentThreads);

    static native int GetQueuedCompletionStatusEx(long port, long entries, int count, long numRemoved,
                                                  int milliseconds, int alertable);

    static native int PostQueuedCompletionStatus(long port, int bytesTransferred, long completionKey,
                                                 long overlapped);

    static native int SetFileCompletionNotificationModes(long fileHandle, byte flags);

    static native int CloseHandle(long handle);
}
