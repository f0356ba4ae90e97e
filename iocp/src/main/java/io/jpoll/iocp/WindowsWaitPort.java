package io.jpoll.iocp;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The real {@link WaitPort}: waitable timers and process handles from kernel32, wait completion
 * packets from ntdll, all tied to one completion port. One 8-byte scratch block, used under the
 * selector's lock, carries SetWaitableTimer's due time and the handles NtCreateWaitCompletionPacket
 * writes, so that arming a timer allocates nothing.
 */
final class WindowsWaitPort implements WaitPort {
    static final int ERROR_INVALID_PARAMETER = 87;
    /** Set once a Windows older than 10 1803 refused CREATE_WAITABLE_TIMER_HIGH_RESOLUTION. */
    private static volatile boolean plainTimers;

    private final long port;
    private final Memory scratch = new Memory(8);
    private final long scratchAddress = Pointer.nativeValue(scratch);
    private int lastError;

    WindowsWaitPort(long port) {
        this.port = port;
    }

    @Override
    public String unavailable() {
        return Natives.waitPacketsFailure();
    }

    @Override
    public long createTimer() {
        if (!plainTimers) {
            long timer = Kernel32.CreateWaitableTimerExW(0, 0, Kernel32.CREATE_WAITABLE_TIMER_HIGH_RESOLUTION,
                    Kernel32.TIMER_ALL_ACCESS);
            if (timer != 0) {
                return timer;
            }
            lastError = Native.getLastError();
            if (lastError != ERROR_INVALID_PARAMETER) {
                return 0;
            }
            // Before Windows 10 1803 the flag is unknown: the timer then ticks with the system
            // clock (about 15.6 ms by default, finer while some process asked for more).
            plainTimers = true;
        }
        long timer = Kernel32.CreateWaitableTimerExW(0, 0, 0, Kernel32.TIMER_ALL_ACCESS);
        if (timer == 0) {
            lastError = Native.getLastError();
        }
        return timer;
    }

    @Override
    public int setTimer(long timer, long relativeNanos) {
        scratch.setLong(0, dueTime(relativeNanos));
        return Kernel32.SetWaitableTimer(timer, scratchAddress, 0, 0, 0, 0) != 0 ? 0 : Native.getLastError();
    }

    /**
     * SetWaitableTimer's due time for a delay: negative means relative, in 100 ns units, rounded
     * up so that the timer never fires before the delay; at least one unit, as 0 would be an
     * absolute time long past.
     */
    static long dueTime(long relativeNanos) {
        long units = relativeNanos <= 0 ? 1 : relativeNanos / 100 + (relativeNanos % 100 != 0 ? 1 : 0);
        return -units;
    }

    @Override
    public int cancelTimer(long timer) {
        return Kernel32.CancelWaitableTimer(timer) != 0 ? 0 : Native.getLastError();
    }

    @Override
    public long createPacket() {
        int status = NtWaitPackets.NtCreateWaitCompletionPacket(scratchAddress, NtWaitPackets.GENERIC_ALL, 0);
        if (status != WinErrors.STATUS_SUCCESS) {
            lastError = status;
            return 0;
        }
        return scratch.getLong(0);
    }

    @Override
    public int associate(long packet, long object, long key) {
        // AlreadySignaled is not asked for: the packet is queued at once in that case too, and the
        // selector treats it like any other.
        return NtWaitPackets.NtAssociateWaitCompletionPacket(packet, port, object, key, 0, WinErrors.STATUS_SUCCESS,
                AfdPort.POST_SIGNAL, 0);
    }

    @Override
    public int cancelPacket(long packet) {
        return NtWaitPackets.NtCancelWaitCompletionPacket(packet, (byte) 1);
    }

    @Override
    public long openProcess(long pid) {
        long handle = Kernel32.OpenProcess(Kernel32.SYNCHRONIZE | Kernel32.PROCESS_QUERY_LIMITED_INFORMATION, 0,
                (int) pid);
        if (handle == 0) {
            lastError = Native.getLastError();
        }
        return handle;
    }

    @Override
    public void closeHandle(long handle) {
        Kernel32.CloseHandle(handle);
    }

    @Override
    public int lastError() {
        return lastError;
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public void close() {
        scratch.close();
    }
}
