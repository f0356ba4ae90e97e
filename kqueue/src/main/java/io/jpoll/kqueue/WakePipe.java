package io.jpoll.kqueue;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import io.jpoll.spi.EventSink;
import io.jpoll.spi.WakerHandle;

import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The waker fallback for kqueues without EVFILT_USER (OpenBSD and NetBSD before they gained it)
 * and for libkqueue before 2.7 (see {@link WakeupChoice}): one non-blocking pipe per selector,
 * its read end registered level-triggered, shared by every waker of the selector, by
 * {@link #interrupt()} and by {@link ChangeHandoff}. {@link PipeWakeup} wakes through it alone;
 * {@link UserFilterWakeup} makes one for the wakers the kernel has no EVFILT_USER knote for.
 *
 * <p>A wake sets its waker's pending flag and, if it was the one to set it, writes a byte. A poller
 * that sees the pipe readable drains it and then reports each waker whose flag it clears, so any
 * number of wakes before a poll merge into one event per waker. A byte written after the drain
 * simply shows up in a later poll. A full pipe (EAGAIN) already guarantees a wake-up, so it is not an
 * error. Once interrupted, the pipe is not drained any more (and refilled if a drain raced with the
 * interrupt), so the level-triggered read end wakes every poller.
 *
 * <p>The pipe is the selector's: it is closed only by {@link #close()}, when no poller is left, so a
 * drain never reads a reused descriptor.
 */
final class WakePipe {
    private final KqueueProfile profile;
    private final Kernel kernel;
    private final int readFd;
    private final int writeFd;
    /** One byte to write and scratch space to drain into; its content never matters. */
    private final Memory scratch = new Memory(256);
    private final long scratchAddress = Pointer.nativeValue(scratch);
    /** Copied on every change (rare), read without locks or iterators on every drain. */
    private volatile PipeWaker[] wakers = new PipeWaker[0];
    private volatile boolean interrupted;

    private WakePipe(KqueueProfile profile, Kernel kernel, int readFd, int writeFd) {
        this.profile = profile;
        this.kernel = kernel;
        this.readFd = readFd;
        this.writeFd = writeFd;
    }

    static WakePipe open(KqueueProfile profile, Kernel kernel) throws IOException {
        try (Memory fds = new Memory(8)) {
            if (kernel.pipe(Pointer.nativeValue(fds)) < 0) {
                throw profile.errno.error("pipe", null, -1, null, kernel.errno());
            }
            WakePipe pipe = new WakePipe(profile, kernel, fds.getInt(0), fds.getInt(4));
            try {
                pipe.configure(pipe.readFd);
                pipe.configure(pipe.writeFd);
            } catch (IOException e) {
                pipe.close();
                throw e;
            }
            return pipe;
        }
    }

    private void configure(int fd) throws IOException {
        if (kernel.fcntl(fd, KqueueConstants.F_SETFD, KqueueConstants.FD_CLOEXEC) < 0) {
            throw profile.errno.error("fcntl(F_SETFD, FD_CLOEXEC)", "fd", fd, null, kernel.errno());
        }
        int fl = kernel.fcntl(fd, KqueueConstants.F_GETFL);
        if (fl < 0 || kernel.fcntl(fd, KqueueConstants.F_SETFL, fl | profile.constants.oNonblock) < 0) {
            throw profile.errno.error("fcntl(F_SETFL, O_NONBLOCK)", "fd", fd, null, kernel.errno());
        }
    }

    int readFd() {
        return readFd;
    }

    /**
     * Adds the read end to the kqueue, level-triggered on purpose (no EV_CLEAR): while the pipe
     * holds a byte every poller, now or later, sees it.
     */
    void register(Changes changes) throws IOException {
        KqueueConstants c = profile.constants;
        int err = changes.submitOne(readFd, c.evfiltRead, c.evAdd | c.evReceipt, 0, EventDecoder.PIPE_UDATA);
        if (err != 0) {
            throw profile.errno.error("kevent(EV_ADD) wake pipe", "fd", readFd, null, err);
        }
    }

    int writeFd() {
        return writeFd;
    }

    WakerHandle newWaker(long token) {
        PipeWaker w = new PipeWaker(token);
        synchronized (this) {
            PipeWaker[] grown = Arrays.copyOf(wakers, wakers.length + 1);
            grown[grown.length - 1] = w;
            wakers = grown;
        }
        return w;
    }

    /** Drains the pipe and reports the pending wakers that fit into {@code sink}. */
    void collect(EventSink sink) {
        long size = scratch.size();
        // A read returns what the pipe holds, up to the buffer; a shorter one has emptied it, so
        // only a full one needs another (which may then end in EAGAIN). A write that lands after
        // the read makes the pipe readable again: its wake is the next poll's. EOF never comes
        // from a pipe whose both ends we hold.
        while (kernel.read(readFd, scratchAddress, size) == size) {
            // keep draining
        }
        boolean left = false;
        for (PipeWaker w : wakers) {
            if (sink.remaining() == 0) {
                left |= w.pending.get();
            } else if (w.pending.getAndSet(false)) {
                sink.add(w.token, EventSink.READABLE);
            }
        }
        if (left || interrupted) {
            // Wakers that did not fit, or an interrupt whose byte this drain took: signal again.
            signal();
        }
    }

    void interrupt() {
        interrupted = true;
        signal();
    }

    /** Makes the read end readable (a full pipe already is). */
    void signal() {
        // EAGAIN: the pipe is full, so it is readable and a poller will see it; nothing else to do.
        while (kernel.write(writeFd, scratchAddress, 1) < 0 && kernel.errno() == Errno.EINTR) {
            // retry: the byte must land, or a waiting poller might never return
        }
    }

    void close() {
        kernel.close(readFd);
        kernel.close(writeFd);
        scratch.close();
    }

    private final class PipeWaker implements WakerHandle {
        final long token;
        final AtomicBoolean pending = new AtomicBoolean();

        PipeWaker(long token) {
            this.token = token;
        }

        @Override
        public void wake() throws IOException {
            if (pending.getAndSet(true)) {
                return;
            }
            while (kernel.write(writeFd, scratchAddress, 1) < 0) {
                int err = kernel.errno();
                if (err == profile.errno.eagain) {
                    return;
                }
                if (err != Errno.EINTR) {
                    throw profile.errno.error("write", "fd", writeFd, "waker token=" + token, err);
                }
            }
        }

        @Override
        public void close() {
            synchronized (WakePipe.this) {
                PipeWaker[] now = wakers;
                for (int i = 0; i < now.length; i++) {
                    if (now[i] == this) {
                        PipeWaker[] shrunk = Arrays.copyOf(now, now.length - 1);
                        System.arraycopy(now, i + 1, shrunk, i, now.length - i - 1);
                        wakers = shrunk;
                        return;
                    }
                }
            }
        }
    }
}
