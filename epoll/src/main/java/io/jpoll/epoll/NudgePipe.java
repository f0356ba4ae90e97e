package io.jpoll.epoll;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;

import java.util.function.IntUnaryOperator;

/**
 * The nudge of one epoll selector (see {@link EpollSelector}): a pipe whose read end is in the
 * epoll set for EPOLLRDNORM alone and holds one byte while the nudge is raised, so that every
 * waiter sees it, level-triggered. Made at the first raise, so that a Poll costs its two
 * descriptors only once a poller is interrupted.
 *
 * <p>Raised and cleared one at a time (the API's lock), never after the selector's close started;
 * {@link #close()} runs once, from the selector's close. A failure never throws: the interrupted
 * poller then returns at its timeout, and the failure is logged.
 */
final class NudgePipe {
    private static final System.Logger LOG = System.getLogger("io.jpoll.epoll");

    private final EpollNative calls;
    /** Adds a read end to the selector's set for EPOLLRDNORM; returns 0 or errno. */
    private final IntUnaryOperator addToSet;
    /** -1 until the first raise. */
    private volatile int readFd = -1;
    private volatile int writeFd = -1;
    /** The byte written and read, after pipe2's two ints; made with the pipe. */
    private Memory buffer;

    NudgePipe(EpollNative calls, IntUnaryOperator addToSet) {
        this.calls = calls;
        this.addToSet = addToSet;
    }

    void raise() {
        if (readFd < 0 && !open()) {
            return;
        }
        long written = calls.write(writeFd, Pointer.nativeValue(buffer), 1);
        if (written != 1) {
            LOG.log(System.Logger.Level.WARNING,
                    "jpoll: cannot wake an interrupted poller: write(pipe): " + Errno.name((int) -written));
        }
    }

    void clear() {
        int fd = readFd;
        if (fd < 0) {
            return;
        }
        long got = calls.read(fd, Pointer.nativeValue(buffer), 1);
        if (got != 1) {
            LOG.log(System.Logger.Level.WARNING,
                    "jpoll: cannot clear the interrupt nudge: read(pipe): " + Errno.name((int) -got));
        }
    }

    /** Makes the pipe and adds its read end to the set; false (logged) if the OS refuses. */
    private boolean open() {
        Memory memory = new Memory(8);
        int piped = calls.pipe2(Pointer.nativeValue(memory), EpollFlags.O_CLOEXEC | EpollFlags.O_NONBLOCK);
        if (piped != 0) {
            memory.close();
            cannotNudge("pipe2", -piped);
            return false;
        }
        int read = memory.getInt(0);
        int write = memory.getInt(4);
        int errno = addToSet.applyAsInt(read);
        if (errno != 0) {
            calls.close(read);
            calls.close(write);
            memory.close();
            cannotNudge("epoll_ctl(ADD)", errno);
            return false;
        }
        memory.setByte(0, (byte) 1);
        buffer = memory;
        writeFd = write;
        readFd = read;
        return true;
    }

    private static void cannotNudge(String operation, int errno) {
        LOG.log(System.Logger.Level.WARNING,
                "jpoll: cannot wake an interrupted poller, which returns at its timeout: " + operation + ": "
                        + Errno.name(errno) + " (" + Errno.describe(errno) + ")");
    }

    /** Closes the pipe, if it was made. */
    void close() {
        if (readFd >= 0) {
            calls.close(readFd);
            calls.close(writeFd);
            buffer.close();
        }
    }
}
