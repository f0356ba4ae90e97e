package io.jpoll.iocp;

import io.jpoll.NativeException;

/**
 * One I/O completion port and the AFD driver, reduced to the calls the selector makes. Addresses
 * are of native memory the selector owns; the implementation only passes them on.
 *
 * <p>This seam exists so that the selector's per-socket state machine can be driven on any OS by
 * a fake that behaves like AFD; {@link WindowsAfdPort} is the real thing.
 */
interface AfdPort {
    /** {@code bytes} of a posted packet: a waker's wake. */
    int POST_WAKE = 1;
    /** {@code bytes} of a posted packet: the selector is closing. */
    int POST_INTERRUPT = 2;
    /** {@code bytes} of a posted packet: records were taken off the port outside a select (see {@code Carry}). */
    int POST_NUDGE = 3;
    /**
     * {@code bytes} of a wait completion packet (its IoStatusInformation) or of a posted packet that
     * stands for one: a timer or process that {@code Waits} watches was signalled; the key names it.
     */
    int POST_SIGNAL = 4;

    /** Opens an AFD helper handle whose completions go to this port. */
    long openHelper() throws NativeException;

    /** Closes an AFD helper handle; no poll may be pending on it. */
    void closeHelper(long helper);

    /** The base service provider's socket under {@code socket}, which is what AFD polls. */
    long baseSocket(long socket) throws NativeException;

    /**
     * The local and peer addresses of {@code socket}, each null where the OS gives none (unbound,
     * unconnected, or not a socket). Never fails: it only serves to tell sockets apart.
     */
    SocketAddresses addresses(long socket);

    /**
     * Starts an IOCTL_AFD_POLL on {@code helper} whose completion is queued to this port with the
     * IO_STATUS_BLOCK's address as its OVERLAPPED pointer.
     *
     * @return the NTSTATUS: STATUS_SUCCESS or STATUS_PENDING when a completion will come
     */
    int poll(long helper, long iosb, long pollInfo);

    /**
     * Cancels the poll whose IO_STATUS_BLOCK is {@code iosb}; its completion still comes, with
     * STATUS_CANCELLED unless it had finished already.
     *
     * @return the NTSTATUS: STATUS_SUCCESS, or STATUS_NOT_FOUND if nothing was left to cancel
     */
    int cancel(long helper, long iosb, long cancelIosb);

    /**
     * Dequeues up to {@code max} OVERLAPPED_ENTRY records into {@code entries} and writes their
     * number to the ULONG at {@code removed} (the caller reads it through its own view, so that
     * nothing is allocated per poll).
     *
     * @param millis how long to wait, as a DWORD: -1 (INFINITE) waits forever
     * @return true when records were dequeued, false when the wait timed out
     */
    boolean dequeue(long entries, int max, long removed, int millis) throws NativeException;

    /** Queues a packet with no OVERLAPPED; {@code bytes} says what it is. */
    void post(int bytes, long key) throws NativeException;

    /**
     * The waitable timers, process handles and wait completion packets tied to this same port.
     * Made on first use; released by its own {@link WaitPort#close()}, before this port closes.
     */
    WaitPort waits();

    /** Closes the completion port. */
    void close();
}
