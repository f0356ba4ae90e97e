package io.jpoll.iocp;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.jpoll.spi.Platform;

/**
 * Binds {@link Kernel32}, {@link Ntdll} and {@link Ws2_32} once, on first use, and only on Windows
 * x64: merely loading the backend class on another OS never touches a Windows DLL.
 */
final class Natives {
    private Natives() {
    }

    /** Why the natives are unusable here, or null when they are bound. */
    static String failure() {
        if (Platform.os() != Platform.Os.WINDOWS) {
            return "the iocp backend needs Windows; this is " + Platform.describe();
        }
        if (!"x86_64".equals(Platform.arch())) {
            return "the iocp backend is built for Windows x86_64 (its structure layouts are x64); this is "
                    + Platform.describe();
        }
        return Bound.FAILURE;
    }

    /**
     * Why timers and process watches are unusable here, or null when {@link NtWaitPackets} is
     * bound. Only asked after {@link #failure()} said the backend itself is usable.
     */
    static String waitPacketsFailure() {
        return WaitPacketsBound.FAILURE;
    }

    private static final class WaitPacketsBound {
        static final String FAILURE = bind();

        private static String bind() {
            try {
                Native.register(NtWaitPackets.class, "ntdll");
                return null;
            } catch (LinkageError | RuntimeException e) {
                return "timers and process watches need NtCreateWaitCompletionPacket and its kin in ntdll.dll"
                        + " (Windows 8 or later), which JNA could not bind: " + e;
            }
        }
    }

    private static final class Bound {
        static final String FAILURE = bind();

        private static String bind() {
            String lib = "kernel32";
            try {
                Native.register(Kernel32.class, lib);
                lib = "ntdll";
                Native.register(Ntdll.class, lib);
                lib = "ws2_32";
                Native.register(Ws2_32.class, lib);
            } catch (LinkageError | RuntimeException e) {
                return "cannot bind " + lib + ".dll through JNA: " + e;
            }
            // Winsock must be started once per process before WSAIoctl; the count it keeps is
            // never released, as the JDK's own networking does not release its either.
            try (Memory wsaData = new Memory(Ws2_32.WSADATA_SIZE)) {
                int rc = Ws2_32.WSAStartup((short) 0x0202, Pointer.nativeValue(wsaData));
                if (rc != 0) {
                    return "WSAStartup(2.2) failed: " + WinErrors.win32Name(rc) + " (" + WinErrors.win32Text(rc) + ")";
                }
            }
            return null;
        }
    }
}
