package io.jpoll.kqueue;

import io.jpoll.NativeException;
import io.jpoll.spi.BufferPool;

import java.io.IOException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The kqueue descriptor and everything that talks to it: change batches and their receipts, the
 * wait for events, the hand-off that lets changes past a waiting poller on old libkqueue, and the
 * {@code fcntl} checks that tell what a refused change means. Owns the descriptor and closes it
 * exactly once, in {@link #close()}.
 *
 * <p>Every change goes in an EV_RECEIPT batch ({@link ChangeBatch}), so each change gets its own
 * answer; {@link #submit} reduces the answers to the first error, {@link #submitChecked} leaves
 * them to the caller.
 */
final class Changes {
    private static final int POOLED_BATCHES = 8;

    private final KqueueProfile profile;
    private final Kernel kernel;
    private final KqueueConstants c;
    private final int kq;
    private final BufferPool<ChangeBatch> batches = new BufferPool<>(POOLED_BATCHES);
    /** Made once, so taking and giving a batch allocates nothing. */
    private final Supplier<ChangeBatch> newBatch;
    private final Consumer<ChangeBatch> freeBatch = ChangeBatch::free;
    /**
     * libkqueue before 2.7 with the wake pipe: lets changes past a waiting poller; null otherwise.
     * Set at most once while the selector is opened, before it exists (so before any other thread
     * can see this object), by {@link #handOffThrough}.
     */
    private ChangeHandoff handoff;

    private Changes(KqueueProfile profile, Kernel kernel, int kq) {
        this.profile = profile;
        this.kernel = kernel;
        this.c = profile.constants;
        this.kq = kq;
        this.newBatch = () -> new ChangeBatch(profile.layout, kernel);
    }

    /** Makes a kqueue, close-on-exec. */
    static Changes open(KqueueProfile profile, Kernel kernel) throws IOException {
        int kq = kernel.kqueue();
        if (kq < 0) {
            throw profile.errno.error("kqueue", null, -1, null, kernel.errno());
        }
        Changes changes = new Changes(profile, kernel, kq);
        if (kernel.fcntl(kq, KqueueConstants.F_SETFD, KqueueConstants.FD_CLOEXEC) < 0) {
            NativeException e = profile.errno.error("fcntl(F_SETFD, FD_CLOEXEC)", "fd", kq, null, kernel.errno());
            changes.close();
            throw e;
        }
        return changes;
    }

    KqueueProfile profile() {
        return profile;
    }

    Kernel kernel() {
        return kernel;
    }

    /** The kqueue descriptor, which this object keeps owning. */
    int kq() {
        return kq;
    }

    /** Makes changes announce themselves through {@code pipe} (see {@link ChangeHandoff}). */
    void handOffThrough(WakePipe pipe) {
        if (handoff != null) {
            throw new IllegalStateException("the hand-off is set once");
        }
        handoff = new ChangeHandoff(pipe);
    }

    /** A cleared batch, the caller's until {@link #give}. */
    ChangeBatch take() {
        return batches.takeOrCreate(newBatch).clear();
    }

    void give(ChangeBatch b) {
        batches.giveOrFree(b, freeBatch);
    }

    /**
     * Submits a batch; the errno of the first change that failed (0 if none). A failure of the
     * call as a whole is returned too; EINTR counts as success because the kernel applied every
     * change before it (FreeBSD kevent(2)), and unwritten receipts read as success.
     */
    int submit(ChangeBatch b) {
        int r = b.submit(kq);
        if (r < 0) {
            int err = kernel.errno();
            if (err != Errno.EINTR) {
                return err;
            }
        }
        for (int i = 0; i < b.count(); i++) {
            int err = b.error(i, c);
            if (err != 0) {
                return err;
            }
        }
        return 0;
    }

    /** Submits one change in a batch of its own; its errno, or 0. */
    int submitOne(long ident, int filter, int flags, int fflags, long udata) {
        ChangeBatch b = take();
        try {
            b.add(ident, filter, flags, fflags, udata);
            return submit(b);
        } finally {
            give(b);
        }
    }

    /**
     * Submits a batch of changes to {@code fd} whose receipts the caller inspects; throws if the
     * call as a whole failed.
     *
     * @param token the registration's token for the message, or {@link Long#MIN_VALUE} for none
     */
    void submitChecked(ChangeBatch b, int fd, long token) throws NativeException {
        int r = submitPastPollers(b);
        if (r < 0) {
            int err = kernel.errno();
            if (err != Errno.EINTR) {
                String op = c.operation(b.flags(0), 0);
                throw profile.errno.error(op, "fd", fd, token == Long.MIN_VALUE ? null : "token=" + token, err);
            }
        }
    }

    /**
     * Submits a batch, first letting it past a waiting poller where a {@link ChangeHandoff} must
     * (libkqueue before 2.7); the kevent() return value, -1 with errno set on failure.
     */
    int submitPastPollers(ChangeBatch b) {
        if (handoff == null) {
            return b.submit(kq);
        }
        handoff.announce();
        try {
            return b.submit(kq);
        } finally {
            handoff.done();
        }
    }

    /**
     * Waits up to {@code nanos} (negative: without bound) for at most {@code max} records into
     * {@code buffer}; how many came, or -1 when a signal interrupted the wait.
     */
    int await(PollBuffer buffer, int max, long nanos) throws NativeException {
        int n = kernel.kevent(kq, 0L, 0, buffer.address(), max, buffer.timeout(nanos));
        if (n < 0) {
            int err = kernel.errno();
            if (err != Errno.EINTR) {
                throw profile.errno.error("kevent(wait)", "kq", kq, null, err);
            }
            return -1;
        }
        return n;
    }

    /** Whether a change waits for a poller to let go of libkqueue's mutex (see {@link ChangeHandoff}). */
    boolean changesWaiting() {
        return handoff != null && handoff.changesWaiting();
    }

    /** Called by a poller between two waits: lets any announced change through first. */
    void letChangesThrough() {
        if (handoff != null) {
            handoff.letChangesThrough();
        }
    }

    /**
     * The sides (READ, WRITE) {@code fd} has, from its access mode: a pipe's read end is
     * O_RDONLY on every OS here but FreeBSD and DragonFly (whose pipes are bidirectional), and
     * never has its write side closed. Both, where the mode cannot be read.
     */
    int sides(int fd) {
        int fl = kernel.fcntl(fd, KqueueConstants.F_GETFL);
        if (fl < 0) {
            return Registrations.READ | Registrations.WRITE;
        }
        switch (fl & KqueueConstants.O_ACCMODE) {
            case KqueueConstants.O_RDONLY:
                return Registrations.READ;
            case KqueueConstants.O_WRONLY:
                return Registrations.WRITE;
            default:
                return Registrations.READ | Registrations.WRITE;
        }
    }

    /**
     * Whether a refused EV_ADD of EVFILT_WRITE means the descriptor's write side is gone, a pipe
     * whose reader has closed: EPIPE on FreeBSD, DragonFly and OpenBSD; EBADF on NetBSD, told from
     * a closed descriptor by fcntl(F_GETFD) (sys_pipe.c, pipe_kqfilter, in each). See
     * {@link ClosedWrites}.
     */
    boolean writeSideGone(int fd, int err) {
        if (err == Errno.EPIPE) {
            return true;
        }
        return profile == KqueueProfile.NETBSD && err == Errno.EBADF
                && kernel.fcntl(fd, KqueueConstants.F_GETFD) >= 0;
    }

    /** macOS before 10.12 answers EPIPE when the other end of a pipe is gone, yet reports events (mio#582). */
    boolean ignoredOnAdd(int err) {
        return err == Errno.EPIPE && profile == KqueueProfile.MACOS;
    }

    /**
     * The errno to report for a refused EV_ADD. libkqueue before 2.7 answers every failed knote
     * creation with EFAULT (common/kevent.c overwrites the filter's errno), so there a closed or
     * never-opened fd is told apart with fcntl(F_GETFD), which fails with EBADF for it.
     */
    int addErrno(int fd, int err) {
        if (profile == KqueueProfile.LIBKQUEUE && err == Errno.EFAULT
                && kernel.fcntl(fd, KqueueConstants.F_GETFD) < 0 && kernel.errno() == Errno.EBADF) {
            return Errno.EBADF;
        }
        return err;
    }

    /**
     * Closes the kqueue and frees the batches, once no thread uses them. libkqueue frees the
     * kqueue's own descriptors later, on its monitor thread: this waits for that, so none of them
     * is still open (and then closed under a new owner) after it returns.
     */
    void close() {
        kernel.close(kq);
        kernel.drainPendingClose();
        batches.drain(ChangeBatch::free);
    }
}
