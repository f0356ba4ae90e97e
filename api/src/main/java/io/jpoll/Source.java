package io.jpoll;

import io.jpoll.spi.Platform;

import java.nio.channels.IllegalBlockingModeException;
import java.nio.channels.SelectableChannel;
import java.util.Objects;

/**
 * Something that can be registered: a Unix file descriptor, a Windows socket, or a JDK channel.
 *
 * <p>Equal sources denote the same registration: {@code Source.of(channel)} equals
 * {@code Source.fd(n)} when {@code n} is the channel's descriptor.
 *
 * <p>A source made from a channel remembers it, so that registering it after the channel was
 * closed fails instead of registering whatever the descriptor number belongs to by then.
 */
public final class Source {
    private final boolean socket;
    private final long handle;
    private final SelectableChannel channel;
    private final ProcessHandle process;

    private Source(boolean socket, long handle, SelectableChannel channel) {
        this.socket = socket;
        this.handle = handle;
        this.channel = channel;
        this.process = null;
    }

    private Source(ProcessHandle process) {
        this.socket = false;
        this.handle = process.pid();
        this.channel = null;
        this.process = process;
    }

    /**
     * A Unix file descriptor: a socket, pipe, eventfd, timerfd, tty or device. jpoll neither
     * owns nor closes it.
     *
     * @param fd the descriptor
     * @return the source
     * @throws IllegalArgumentException      if {@code fd} is negative
     * @throws UnsupportedOperationException on Windows, which has no such descriptors
     */
    public static Source fd(int fd) {
        if (Platform.os() == Platform.Os.WINDOWS) {
            throw new UnsupportedOperationException("Source.fd(" + fd + "): Windows has no file descriptors"
                    + " to poll; use Source.socket(SOCKET handle) or Source.of(channel)");
        }
        if (fd < 0) {
            throw new IllegalArgumentException("Source.fd: fd must be >= 0, was " + fd);
        }
        return new Source(false, fd, null);
    }

    /**
     * A Windows SOCKET handle. jpoll neither owns nor closes it.
     *
     * @param handle the SOCKET
     * @return the source
     * @throws IllegalArgumentException      if the handle is 0 or INVALID_SOCKET (-1)
     * @throws UnsupportedOperationException off Windows
     */
    public static Source socket(long handle) {
        if (Platform.os() != Platform.Os.WINDOWS) {
            throw new UnsupportedOperationException("Source.socket(" + handle + "): SOCKET handles exist only"
                    + " on Windows; on " + Platform.describe() + " use Source.fd(int) or Source.of(channel)");
        }
        if (handle == 0 || handle == -1) {
            throw new IllegalArgumentException("Source.socket: not a valid SOCKET handle: " + handle);
        }
        return new Source(true, handle, null);
    }

    /**
     * A JDK channel in non-blocking mode: {@code SocketChannel}, {@code ServerSocketChannel},
     * {@code DatagramChannel} or a {@code Pipe} end. jpoll only watches it; do the I/O through
     * the channel as usual. Do not register it with a {@code java.nio.channels.Selector} as well.
     *
     * <p>The channel's descriptor sits behind a JDK-internal interface. Run the JVM with
     * {@code --add-exports java.base/sun.nio.ch=ALL-UNNAMED} (with jpoll on the module path:
     * {@code --add-exports java.base/sun.nio.ch=io.jpoll}), or put {@code Add-Exports: java.base/sun.nio.ch}
     * in an executable jar's manifest, and jpoll reads it through the JDK's own accessor. Without the
     * export jpoll falls back to {@code sun.misc.Unsafe}: that works on JDK 17 to 25, but JDK 24 and
     * later print a one-time warning for it, and under {@code --sun-misc-unsafe-memory-access=deny}
     * (which JEP 471 plans to make the default) this method throws {@link IllegalStateException}
     * naming the export flag.
     *
     * @param channel an open channel in non-blocking mode
     * @return the source
     * @throws IllegalBlockingModeException if the channel is in blocking mode
     * @throws IllegalArgumentException     if the channel is closed or not a JDK channel
     * @throws IllegalStateException        if the JVM lets jpoll read the descriptor neither through
     *                                      the export above nor through {@code sun.misc.Unsafe}
     */
    public static Source of(SelectableChannel channel) {
        Objects.requireNonNull(channel, "Source.of: channel is null");
        if (channel.isBlocking()) {
            throw new BlockingChannelException("Source.of: " + channel
                    + " is in blocking mode; call configureBlocking(false) first");
        }
        if (!channel.isOpen()) {
            throw new IllegalArgumentException("Source.of: " + channel + " is closed");
        }
        int fd = ChannelDescriptor.of(channel);
        return new Source(Platform.os() == Platform.Os.WINDOWS, fd, channel);
    }

    /**
     * A process, watched for its exit: its event is readable once the process has exited, and
     * with {@link Trigger#LEVEL} stays so. Only {@link Interests#READABLE} may be asked for. A
     * child of this JVM ({@code Process.toHandle()}) or any other process the OS lets this one
     * observe. The exit status stays the JDK's business ({@code Process.onExit()},
     * {@code waitFor()}).
     *
     * <p>jpoll opens what the OS needs to watch it (a pidfd on Linux 5.3+, an {@code EVFILT_PROC}
     * filter on kqueue, a process handle on Windows), owns it, and releases it on deregister or
     * when the Poll closes.
     *
     * <p><b>Never the wrong process.</b> Once a process has exited and been reaped (the JDK reaps
     * its children on its own thread), the OS may give its pid to a new process. Each backend first
     * takes hold of the pid (the pidfd, the filter, the handle, which keep the pid from being
     * reused while held) and then asks {@code process.isAlive()}, which compares the start time
     * the JDK recorded: if the process is gone by then, the registration reports the exit at once
     * and never watches what it took hold of. So registering a process that has already exited
     * reports its exit, and never a newer process's.
     *
     * <p>On Linux (epoll) the hold is a pidfd from {@code pidfd_open} (Linux 5.3+; older kernels
     * fail the registration with ENOSYS): a pidfd refers to the process, not to the number, so
     * once {@code isAlive()} has said yes after it was opened, it can only report that process's
     * exit. If {@code isAlive()} says no, or pidfd_open finds no process (ESRCH: exited and
     * reaped), the pidfd is closed unwatched and the exit is reported through a descriptor that
     * is readable at once.
     *
     * <p>On kqueue (macOS, the BSDs) the hold is an {@code EVFILT_PROC} filter with
     * {@code NOTE_EXIT}, attached to whichever process has the pid when it is added. A pid is not
     * reused while its process lives, so once {@code isAlive()} has said yes after the add, the
     * filter is on that process and reports its exit. If {@code isAlive()} says no, or the add
     * finds no process (ESRCH), the filter is deleted unwatched and the Poll reports the exit
     * itself. Over libkqueue on Linux the hold is a pidfd, as with epoll, watched through
     * libkqueue's {@code EVFILT_READ}.
     *
     * @param process the process
     * @return the source; equal to another made from the same pid
     * @throws NullPointerException     if {@code process} is null
     * @throws IllegalArgumentException if {@code process} is the current process, whose exit no
     *                                  poll of its own could report
     */
    public static Source process(ProcessHandle process) {
        Objects.requireNonNull(process, "Source.process: process is null");
        if (process.pid() == ProcessHandle.current().pid()) {
            throw new IllegalArgumentException("Source.process: pid " + process.pid()
                    + " is the current process; a poll of its own cannot report its exit");
        }
        return new Source(process);
    }

    /**
     * The number the OS knows this source by; for a channel, read once when the source was made.
     *
     * @return the descriptor or SOCKET, or a process's pid
     */
    public long handle() {
        return handle;
    }

    /** The channel this source was made from, or null. */
    SelectableChannel channel() {
        return channel;
    }

    /** The process this source watches, or null for a descriptor, socket or channel. */
    ProcessHandle process() {
        return process;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Source && ((Source) o).socket == socket && ((Source) o).handle == handle
                && (((Source) o).process == null) == (process == null);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(handle) * (socket ? 31 : process != null ? 13 : 17);
    }

    /** Like {@code fd 7}, {@code fd 7 (sun.nio.ch.SocketChannelImpl)} or {@code process 4242}. */
    @Override
    public String toString() {
        if (process != null) {
            return "process " + handle;
        }
        String s = (socket ? "socket " : "fd ") + handle;
        return channel == null ? s : s + " (" + channel.getClass().getName() + ")";
    }

    /** The JDK's {@link IllegalBlockingModeException}, with a message saying what to do. */
    private static final class BlockingChannelException extends IllegalBlockingModeException {
        private static final long serialVersionUID = 1L;
        private final String message;

        BlockingChannelException(String message) {
            this.message = message;
        }

        @Override
        public String getMessage() {
            return message;
        }
    }
}
