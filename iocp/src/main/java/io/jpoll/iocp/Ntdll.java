package io.jpoll.iocp;

/**
 * The ntdll functions that reach the AFD driver, direct-mapped. Every one returns an NTSTATUS.
 * Bound by {@link Natives}, only on Windows.
 */
final class Ntdll {
    static final int SYNCHRONIZE = 0x00100000;
    static final int FILE_SHARE_READ = 0x1;
    static final int FILE_SHARE_WRITE = 0x2;
    static final int FILE_OPEN = 1;
    /** IOCTL_AFD_POLL: FILE_DEVICE_NETWORK (0x12) << 12 | AFD_POLL (9) << 2 | METHOD_BUFFERED. */
    static final int IOCTL_AFD_POLL = 0x00012024;

    private Ntdll() {
    }

    static native int NtCreateFile(long fileHandleOut, int desiredAccess, long objectAttributes, long iosb,
                                   long allocationSize, int fileAttributes, int shareAccess,
                                   int createDisposition, int createOptions, long eaBuffer, int eaLength);

    static native int NtDeviceIoControlFile(long fileHandle, long event, long apcRoutine, long apcContext,
                                            long iosb, int ioControlCode, long inputBuffer, int inputLength,
                                            long outputBuffer, int outputLength);

    static native int NtCancelIoFileEx(long fileHandle, long iosbToCancel, long iosb);

    static native int RtlNtStatusToDosError(int status);
}
