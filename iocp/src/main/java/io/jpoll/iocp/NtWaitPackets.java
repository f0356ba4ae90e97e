package io.jpoll.iocp;

/**
 * The ntdll functions of wait completion packets (Windows 8 and later), direct-mapped. Every one
 * returns an NTSTATUS. Apart from {@link Ntdll} so that a Windows without them still runs sockets:
 * {@link Natives#waitPacketsFailure()} binds them on first use and says what is missing.
 *
 * <p>Documented in the Win32 "DevNotes" (NtCreateWaitCompletionPacket,
 * NtAssociateWaitCompletionPacket, NtCancelWaitCompletionPacket); there is no import library, so
 * JNA looks them up by name in ntdll.dll.
 */
final class NtWaitPackets {
    /** The packet object's generic rights, mapped by its type to all it offers. */
    static final int GENERIC_ALL = 0x10000000;

    private NtWaitPackets() {
    }

    static native int NtCreateWaitCompletionPacket(long packetHandleOut, int desiredAccess, long objectAttributes);

    /**
     * {@code key} and {@code apcContext} come back as the dequeued record's completion key and
     * OVERLAPPED pointer, {@code ioStatus} as its Internal field, {@code ioStatusInformation} as its
     * byte count. {@code alreadySignaled} is the address of a BOOLEAN, or 0.
     */
    static native int NtAssociateWaitCompletionPacket(long packet, long ioCompletion, long target, long key,
                                                      long apcContext, int ioStatus, long ioStatusInformation,
                                                      long alreadySignaled);

    static native int NtCancelWaitCompletionPacket(long packet, byte removeSignaledPacket);
}
