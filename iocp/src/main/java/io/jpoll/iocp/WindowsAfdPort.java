package io.jpoll.iocp;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.jpoll.NativeException;

import java.io.IOException;

/** The real {@link AfdPort}: a completion port and the AFD driver through kernel32, ntdll and ws2_32. */
final class WindowsAfdPort implements AfdPort {
    private final long port;

    private WindowsAfdPort(long port) {
        this.port = port;
    }

    /**
     * Creates a completion port.
     *
     * @throws IOException if the natives cannot be bound here, or the OS refuses
     */
    static WindowsAfdPort open() throws IOException {
        String failure = Natives.failure();
        if (failure != null) {
            throw new IOException("iocp: " + failure);
        }
        long port = Kernel32.CreateIoCompletionPort(Kernel32.INVALID_HANDLE_VALUE, 0, 0, 0);
        if (port == 0) {
            throw WinErrors.error("CreateIoCompletionPort", null, 0, null, Native.getLastError());
        }
        return new WindowsAfdPort(port);
    }

    @Override
    public long openHelper() throws NativeException {
        long helper;
        try (AfdOpenRequest request = new AfdOpenRequest()) {
            int status = Ntdll.NtCreateFile(request.address(AfdOpenRequest.HANDLE), Ntdll.SYNCHRONIZE,
                    request.address(AfdOpenRequest.ATTRIBUTES), request.address(AfdOpenRequest.IOSB), 0, 0,
                    Ntdll.FILE_SHARE_READ | Ntdll.FILE_SHARE_WRITE, Ntdll.FILE_OPEN, 0, 0, 0);
            if (status != WinErrors.STATUS_SUCCESS) {
                throw WinErrors.error("NtCreateFile(" + AfdOpenRequest.DEVICE + ")", null, 0, null, status);
            }
            helper = request.handle();
        }
        // Completions of polls on this handle go to the port with key 0; the selector tells them
        // from posted packets by their non-null OVERLAPPED pointer, not by the key.
        if (Kernel32.CreateIoCompletionPort(helper, port, 0, 0) == 0) {
            int error = Native.getLastError();
            Kernel32.CloseHandle(helper);
            throw WinErrors.error("CreateIoCompletionPort(AFD helper)", "handle", helper, null, error);
        }
        // No event object is ever waited on; skipping its signalling saves work per completion.
        if (Kernel32.SetFileCompletionNotificationModes(helper, Kernel32.FILE_SKIP_SET_EVENT_ON_HANDLE) == 0) {
            int error = Native.getLastError();
            Kernel32.CloseHandle(helper);
            throw WinErrors.error("SetFileCompletionNotificationModes", "handle", helper, null, error);
        }
        return helper;
    }

    @Override
    public void closeHelper(long helper) {
        Kernel32.CloseHandle(helper);
    }

    @Override
    public long baseSocket(long socket) throws NativeException {
        try (SocketIoctl ioctl = new SocketIoctl()) {
            return BaseSocket.resolve(socket, ioctl);
        }
    }

    /** WSAIoctl for the SIO_* codes that return a SOCKET, into one small buffer. */
    private static final class SocketIoctl implements BaseSocket.Ioctl, AutoCloseable {
        private final Memory out = new Memory(16);
        private int error;

        @Override
        public long query(long socket, int code) {
            if (ioctl(socket, code, Pointer.nativeValue(out))) {
                return out.getLong(0);
            }
            error = Native.getLastError();
            return BaseSocket.INVALID_SOCKET;
        }

        @Override
        public int lastError() {
            return error;
        }

        @Override
        public void close() {
            out.close();
        }
    }

    @Override
    public SocketAddresses addresses(long socket) {
        try (Memory out = new Memory(Ws2_32.SOCKADDR_STORAGE_SIZE + 8L)) {
            return new SocketAddresses(name(out, socket, true), name(out, socket, false));
        }
    }

    /** What getsockname (local) or getpeername wrote, or null if it failed. */
    private static byte[] name(Memory out, long socket, boolean local) {
        long address = Pointer.nativeValue(out);
        long length = address + Ws2_32.SOCKADDR_STORAGE_SIZE;
        out.setInt(Ws2_32.SOCKADDR_STORAGE_SIZE, Ws2_32.SOCKADDR_STORAGE_SIZE);
        int rc = local ? Ws2_32.getsockname(socket, address, length) : Ws2_32.getpeername(socket, address, length);
        if (rc == Ws2_32.SOCKET_ERROR) {
            return null;
        }
        int written = out.getInt(Ws2_32.SOCKADDR_STORAGE_SIZE);
        return out.getByteArray(0, Math.max(0, Math.min(written, Ws2_32.SOCKADDR_STORAGE_SIZE)));
    }

    private static boolean ioctl(long socket, int code, long out) {
        return Ws2_32.WSAIoctl(socket, code, 0, 0, out, 8, out + 8, 0, 0) != Ws2_32.SOCKET_ERROR;
    }

    @Override
    public int poll(long helper, long iosb, long pollInfo) {
        return Ntdll.NtDeviceIoControlFile(helper, 0, 0, iosb, iosb, Ntdll.IOCTL_AFD_POLL,
                pollInfo, Layout.POLL_INFO_SIZE, pollInfo, Layout.POLL_INFO_SIZE);
    }

    @Override
    public int cancel(long helper, long iosb, long cancelIosb) {
        return Ntdll.NtCancelIoFileEx(helper, iosb, cancelIosb);
    }

    @Override
    public boolean dequeue(long entries, int max, long removed, int millis) throws NativeException {
        if (Kernel32.GetQueuedCompletionStatusEx(port, entries, max, removed, millis, 0) != 0) {
            return true;
        }
        int error = Native.getLastError();
        if (error == WinErrors.WAIT_TIMEOUT) {
            return false;
        }
        throw WinErrors.error("GetQueuedCompletionStatusEx", "handle", port, null, error);
    }

    @Override
    public void post(int bytes, long key) throws NativeException {
        if (Kernel32.PostQueuedCompletionStatus(port, bytes, key, 0) == 0) {
            throw WinErrors.error("PostQueuedCompletionStatus", "handle", port, null, Native.getLastError());
        }
    }

    @Override
    public int toWin32(int ntStatus) {
        return Ntdll.RtlNtStatusToDosError(ntStatus);
    }

    @Override
    public void close() {
        Kernel32.CloseHandle(port);
    }
}
