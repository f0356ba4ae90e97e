package io.jpoll.kqueue;

import com.sun.jna.Function;
import com.sun.jna.Native;

/**
 * {@code pidfd_open(2)}, which the backend needs only over libkqueue (see {@link Processes}): a
 * seam of its own, so tests can put a fake kernel's processes behind it.
 */
interface Pidfds {
    /** The real call, bound on first use. */
    Pidfds NATIVE = new NativePidfds();

    /**
     * A pidfd for {@code pid}; the kernel sets close-on-exec on it.
     *
     * @return the descriptor, or minus the errno (ESRCH: no such process; ENOSYS: Linux before 5.3)
     */
    int open(int pid);

    /** {@link Pidfds} through libc's {@code syscall()}: glibc has no wrapper before 2.36. */
    final class NativePidfds implements Pidfds {
        /** {@code __NR_pidfd_open}: 434 on every architecture (the unified syscall table of Linux 5.3). */
        private static final int SYS_PIDFD_OPEN = 434;

        private NativePidfds() {
        }

        @Override
        public int open(int pid) {
            // Called once per process registration, so the boxed arguments of a JNA Function
            // call cost nothing that matters.
            int fd = Function.getFunction("c", "syscall").invokeInt(new Object[]{(long) SYS_PIDFD_OPEN, pid, 0});
            return fd >= 0 ? fd : -Native.getLastError();
        }
    }
}
