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
    /** CreateWaitableTimerExW: 100 ns resolution instead of the clock tick (Windows 10 1803+). */
    static final int CREATE_WAITABLE_TIMER_HIGH_RESOLUTION = 0x2;
    static final int TIMER_ALL_ACCESS = 0x1F0003;
    static final int SYNCHRONIZE = 0x00100000;
    static final int PROCESS_QUERY_LIMITED_INFORMATION = 0x1000;

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

    static native long CreateWaitableTimerExW(long timerAttributes, long timerName, int flags, int desiredAccess);

    /** {@code dueTime} is the address of a LARGE_INTEGER: negative for a time relative to now. */
    static native int SetWaitableTimer(long timer, long dueTime, int periodMillis, long completionRoutine,
                                       long argToCompletionRoutine, int resume);

    static native int CancelWaitableTimer(long timer);

    static native long OpenProcess(int desiredAccess, int inheritHandle, int processId);
}
