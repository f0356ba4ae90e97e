package io.jpoll.bench;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

import java.io.IOException;
import java.util.Arrays;

/**
 * Linux eventfds for the eventfd variant of the dispatch benchmark. A written eventfd stays
 * readable until read, and every write is a new edge for EPOLLET.
 */
public final class EventFds implements AutoCloseable {
    private final int[] fds;
    private final Memory value = new Memory(8);

    private EventFds(int count) {
        fds = new int[count];
        Arrays.fill(fds, -1);
    }

    public static EventFds open(int count) throws IOException {
        EventFds set = new EventFds(count);
        for (int i = 0; i < count; i++) {
            int fd = Posix.eventfd(0, Posix.EFD_NONBLOCK | Posix.EFD_CLOEXEC);
            if (fd < 0) {
                int errno = Native.getLastError();
                set.close();
                throw new IOException("eventfd() #" + i + " of " + count + ": errno " + errno
                        + (errno == 24 ? " (EMFILE: raise ulimit -n)" : ""));
            }
            set.fds[i] = fd;
        }
        set.value.setLong(0, 1);
        return set;
    }

    public int size() {
        return fds.length;
    }

    public int fd(int i) {
        return fds[i];
    }

    /** Adds 1 to eventfd {@code i}: it becomes readable, and EPOLLET sees a new edge. */
    public void signal(int i) throws IOException {
        long n = Posix.write(fds[i], Pointer.nativeValue(value), 8);
        if (n != 8) {
            throw new IOException("write(eventfd " + fds[i] + "): errno " + Native.getLastError());
        }
    }

    @Override
    public void close() {
        for (int i = 0; i < fds.length; i++) {
            if (fds[i] >= 0) {
                Posix.close(fds[i]);
                fds[i] = -1;
            }
        }
        value.close();
    }
}
