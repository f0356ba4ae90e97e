package io.jpoll.iocp;

/**
 * The Winsock functions jpoll needs, direct-mapped. Bound by {@link Natives}, only on Windows.
 * The error of a failed call is read with JNA's {@code Native.getLastError()}, which JNA saves
 * right after the call; WSAGetLastError is not bound because by the time Java could call it the
 * JVM may have made other Win32 calls on the thread.
 */
final class Ws2_32 {
    static final int SOCKET_ERROR = -1;
    static final int SIO_BASE_HANDLE = 0x48000022;
    static final int SIO_BSP_HANDLE_POLL = 0x4800001D;
    /** SOCKADDR_STORAGE: room for any address getsockname or getpeername writes. */
    static final int SOCKADDR_STORAGE_SIZE = 128;
    /** WSADATA is 408 bytes on x64; a little more does no harm. */
    static final int WSADATA_SIZE = 512;

    private Ws2_32() {
    }

    static native int WSAStartup(short versionRequested, long wsaData);

    static native int getsockname(long socket, long name, long nameLength);

    static native int getpeername(long socket, long name, long nameLength);

    static native int WSAIoctl(long socket, int ioControlCode, long inBuffer, int inLength, long outBuffer,
                               int outLength, long bytesReturned, long overlapped, long completionRoutine);
}
