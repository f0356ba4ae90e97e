package io.jpoll.fd;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * Descriptor numbers a test can count on, on every Unix. Any thread of the JVM may open a file at
 * any moment (HotSpot's compiler threads and VM thread read cgroup files several times a second),
 * and the kernel gives it the lowest free number. So a number a test has just closed is the one
 * most likely to be taken next, and {@code dup2} onto a number the test does not hold may close
 * another thread's file. The two tools here avoid both: a closed number so far above every open
 * one that nothing reaches it, and {@code fcntl(F_DUPFD)}, which never replaces an open descriptor.
 */
public final class FdNumbers {
    /** How far above the highest open descriptor a number nobody takes is made. */
    static final int GAP = 1024;
    private static final int F_DUPFD = 0; // the same on Linux, macOS and the BSDs
    private static final int EINVAL = 22; // likewise
    private static final int EBADF = 9; // likewise
    private static final Path FD_DIR = Paths.get("/dev/fd"); // on Linux, a link to /proc/self/fd

    private FdNumbers() {
    }

    /** Cold-path libc; {@code fcntl} is variadic, which interface mapping passes correctly on every ABI. */
    private interface C extends Library {
        C INSTANCE = Native.load(Platform.C_LIBRARY_NAME, C.class);

        int fcntl(int fd, int cmd, Object... arg);

        int close(int fd);
    }

    /**
     * A descriptor number that is closed now and that no thread will be handed for as long as a test
     * runs: a duplicate of {@code template} made about {@value #GAP} above the highest open number,
     * then closed. The kernel hands out the lowest free number, so until some thousand more
     * descriptors are open, this one stays free, and a call on it fails with EBADF.
     *
     * @param template any open descriptor; it stays open
     * @return the closed number
     */
    public static int closedNumber(int template) {
        int highest = highestOpen();
        for (int gap = GAP; gap >= 16; gap /= 2) {
            int fd = C.INSTANCE.fcntl(template, F_DUPFD, highest + gap);
            if (fd >= 0) {
                check("close " + fd, C.INSTANCE.close(fd));
                return fd;
            }
            int errno = Native.getLastError();
            if (errno != EINVAL) { // EINVAL: above the fd limit; try closer to the open ones
                throw new IllegalStateException("fcntl(" + template + ", F_DUPFD, " + (highest + gap) + "): errno " + errno);
            }
        }
        throw new IllegalStateException("the fd limit leaves no room above the highest open descriptor " + highest);
    }

    /**
     * Makes {@code number} a duplicate of {@code fd}, if {@code number} is free or comes free
     * within {@code timeoutMillis}; never closes whatever holds it meanwhile, unlike {@code dup2}.
     * Meant for a number the caller just released: another thread may hold it for a moment.
     *
     * @return true if {@code number} is now a duplicate of {@code fd}
     */
    public static boolean dupOnto(int fd, int number, long timeoutMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        for (;;) {
            int got = C.INSTANCE.fcntl(fd, F_DUPFD, number); // the lowest free number >= number
            if (got < 0) {
                throw new IllegalStateException("fcntl(" + fd + ", F_DUPFD, " + number + "): errno " + Native.getLastError());
            }
            if (got == number) {
                return true;
            }
            check("close " + got, C.INSTANCE.close(got)); // number is taken: not ours to touch
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            LockSupport.parkNanos(100_000);
        }
    }

    /** Closes a descriptor the caller owns; fails loudly on EBADF, the sign of a double close. */
    public static void close(int fd) {
        check("close " + fd, C.INSTANCE.close(fd));
    }

    /** Whether {@code fd} is open in this process: {@code fcntl(F_GETFD)} without EBADF. */
    public static boolean isOpen(int fd) {
        if (C.INSTANCE.fcntl(fd, 1 /* F_GETFD, the same everywhere */) >= 0) {
            return true;
        }
        int errno = Native.getLastError();
        if (errno != EBADF) {
            throw new IllegalStateException("fcntl(" + fd + ", F_GETFD): errno " + errno);
        }
        return false;
    }

    /**
     * The highest descriptor number open in this process, as /dev/fd lists them: all of them on
     * Linux and macOS; FreeBSD without fdescfs lists 0 to 2 only, and the gap still clears the few
     * dozen a test JVM holds.
     */
    private static int highestOpen() {
        try (Stream<Path> s = Files.list(FD_DIR)) {
            return s.mapToInt(p -> Integer.parseInt(p.getFileName().toString())).max().orElse(2);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void check(String what, int result) {
        if (result < 0) {
            throw new IllegalStateException(what + ": errno " + Native.getLastError());
        }
    }
}
