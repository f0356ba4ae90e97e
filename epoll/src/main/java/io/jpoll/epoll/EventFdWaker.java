package io.jpoll.epoll;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import io.jpoll.spi.WakerHandle;

import java.io.IOException;

/**
 * A waker over an eventfd registered edge-triggered with the waker's token, the way mio does it:
 * every write is a new edge, so a poll reports the token; the counter is never read, so wakes
 * before the next poll merge into one event. Only when the counter would overflow (EAGAIN after
 * 2^64-2 wakes) is it read back to zero and the write repeated.
 */
final class EventFdWaker implements WakerHandle {
    private final int fd;
    private final EpollNative calls;
    /** 8 bytes holding 1, the value every write adds; then 8 bytes that a reset reads into. */
    private final Memory buffer = new Memory(16);
    private final long one;

    EventFdWaker(int fd, EpollNative calls) {
        this.fd = fd;
        this.calls = calls;
        buffer.setLong(0, 1);
        buffer.setLong(8, 0);
        one = Pointer.nativeValue(buffer);
    }

    @Override
    public void wake() throws IOException {
        long written;
        while ((written = calls.write(fd, one, 8)) < 0) {
            int errno = (int) -written;
            if (errno == Errno.EAGAIN) {
                // Counter full: drain it (the poll has the event already or will see the next edge).
                calls.read(fd, one + 8, 8);
            } else if (errno != Errno.EINTR) {
                throw Errno.error("write(eventfd)", "fd", fd, "(waker)", errno);
            }
        }
    }

    @Override
    public void close() {
        // Closing the eventfd also removes it from the epoll set.
        calls.close(fd);
        buffer.close();
    }
}
