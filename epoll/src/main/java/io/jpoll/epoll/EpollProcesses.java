package io.jpoll.epoll;

import io.jpoll.AlreadyRegisteredException;
import io.jpoll.Interests;
import io.jpoll.NativeException;
import io.jpoll.NotRegisteredException;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The processes a selector watches, each through a descriptor it owns, registered in the
 * selector's set with the user's token and trigger like any fd: a pidfd, which is readable once
 * the process has exited, or, for a process already gone, an eventfd holding 1, readable at once
 * and forever.
 *
 * <p><b>Never the wrong process.</b> A pid names a process only until the process is reaped; then
 * the kernel may hand it to a new one. pidfd_open pins whatever process has the pid at that moment.
 * So after pidfd_open, {@code ProcessHandle.isAlive()} is asked, which on Linux compares the start
 * time the JDK recorded for the handle with the one the kernel reports for the pid now. If the
 * process is still alive then, the pidfd holds it: a pid stays with its process until it is
 * reaped, and the pidfd refers to the process, not the number. If it is not, the exit happened,
 * and the pidfd (which may hold a newer process with that pid, or the old one as a zombie) is
 * closed unwatched and the exit is reported through the eventfd instead. ESRCH from pidfd_open
 * means the same: gone and reaped. (A handle whose start time the JDK does not know, which
 * {@code ProcessHandle.of} gives only where /proc is unreadable, cannot tell reuse apart.)
 *
 * <p>Registrations are a cold path: a map guarded by this object. The descriptor is closed on
 * deregister and when the selector closes, exactly once each.
 */
final class EpollProcesses {
    private final EpollNative calls;
    private final Registrar registrar;
    /** pid to the descriptor watched for it; guarded by this. */
    private final Map<Long, Integer> fds = new HashMap<>();

    /** epoll_ctl on the selector's own set, with its pooled records; returns 0 or errno. */
    interface Registrar {
        int ctl(int op, int fd, int events, long token);
    }

    EpollProcesses(EpollNative calls, Registrar registrar) {
        this.calls = calls;
        this.registrar = registrar;
    }

    synchronized void register(ProcessHandle process, long token, Interests interests) throws IOException {
        long pid = process.pid();
        if (fds.containsKey(pid)) {
            throw new AlreadyRegisteredException("Registry.register process " + pid + " token=" + token
                    + ": already registered with this Poll");
        }
        int fd = open(process, token);
        int errno = registrar.ctl(EpollFlags.EPOLL_CTL_ADD, fd, EpollFlags.toEpoll(interests), token);
        if (errno != 0) {
            calls.close(fd);
            throw Errno.exception("epoll_ctl(ADD)", fd, "(process " + pid + " token=" + token
                    + " interests=" + interests + ")", errno);
        }
        fds.put(pid, fd);
    }

    synchronized void reregister(ProcessHandle process, long token, Interests interests) throws IOException {
        Integer fd = fds.get(process.pid());
        if (fd == null) {
            throw new NotRegisteredException("Registry.reregister process " + process.pid() + " token=" + token
                    + ": not registered with this Poll");
        }
        int errno = registrar.ctl(EpollFlags.EPOLL_CTL_MOD, fd, EpollFlags.toEpoll(interests), token);
        if (errno != 0) {
            throw Errno.exception("epoll_ctl(MOD)", fd, "(process " + process.pid() + " token=" + token
                    + " interests=" + interests + ")", errno);
        }
    }

    synchronized void deregister(ProcessHandle process) throws IOException {
        Integer fd = fds.remove(process.pid());
        if (fd == null) {
            throw new NotRegisteredException("Registry.deregister process " + process.pid()
                    + ": not registered with this Poll");
        }
        // The DEL takes the registration out before close returns, whatever else holds the fd.
        int errno = registrar.ctl(EpollFlags.EPOLL_CTL_DEL, fd, 0, 0);
        calls.close(fd);
        if (errno != 0) {
            throw Errno.exception("epoll_ctl(DEL)", fd, "(process " + process.pid() + ")", errno);
        }
    }

    /** Closes every descriptor still watched; the selector's close, once no poller is left. */
    synchronized void close() {
        for (int fd : fds.values()) {
            calls.close(fd);
        }
        fds.clear();
    }

    /** The pidfd of a live process, or a readable eventfd for one that has exited. */
    private int open(ProcessHandle process, long token) throws IOException {
        long pid = process.pid();
        if (pid <= 0 || pid > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Registry.register process " + pid + " token=" + token
                    + ": not a Linux pid");
        }
        int fd = calls.pidfdOpen((int) pid, 0);
        if (fd >= 0) {
            if (process.isAlive()) {
                return fd;
            }
            calls.close(fd); // the exit happened; this pidfd may hold a newer process
        } else if (-fd == Errno.ENOSYS) {
            throw new NativeException("pidfd_open", "pid", pid, "token=" + token
                    + " (watching a process needs Linux 5.3 or later)", Errno.ENOSYS, "ENOSYS", Errno.describe(Errno.ENOSYS));
        } else if (-fd != Errno.ESRCH) {
            throw new NativeException("pidfd_open", "pid", pid, "token=" + token, -fd, Errno.name(-fd), Errno.describe(-fd));
        }
        return exited(pid, token);
    }

    private int exited(long pid, long token) throws IOException {
        int fd = calls.eventfd(1, EpollFlags.EFD_CLOEXEC | EpollFlags.EFD_NONBLOCK);
        if (fd < 0) {
            throw Errno.exception("eventfd", -1, "(exit of process " + pid + " token=" + token + ")", -fd);
        }
        return fd;
    }
}
