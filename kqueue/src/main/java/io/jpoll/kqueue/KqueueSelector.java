package io.jpoll.kqueue;

import io.jpoll.Interests;
import io.jpoll.NativeException;
import io.jpoll.Trigger;
import io.jpoll.spi.BufferPool;
import io.jpoll.spi.EventSink;
import io.jpoll.spi.Selector;
import io.jpoll.spi.TimerHandle;
import io.jpoll.spi.Timeouts;
import io.jpoll.spi.WakerHandle;

import java.io.IOException;
import java.util.OptionalInt;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * One kqueue behind one Poll. The parts, each with one job: {@link Changes} owns the kqueue
 * descriptor and submits EV_RECEIPT batches; {@link Registrar} keeps {@link Registrations} and the
 * kernel's knotes in step, under one lock; {@link KqueueFilters} translates interests and records;
 * the {@link Wakeup}, chosen before this is built, wakes pollers; {@link EventDecoder} turns
 * records into events. Polls run without the lock, each on its own pooled buffer, and decode
 * straight into the caller's sink.
 *
 * <p>Triggers: LEVEL is a plain filter, EDGE is EV_CLEAR, ONESHOT is EV_DISPATCH plus the
 * per-registration arm described in {@link Registrations}. PRIORITY rides on EVFILT_READ and is
 * refused alone, through {@link #refusal} ({@link KqueueFilters}).
 *
 * <p>Beside {@link Registrar}, the other kinds of knote: {@link Timers} (EVFILT_TIMER) and
 * {@link Processes} (EVFILT_PROC, or a pidfd over libkqueue), each with a case in
 * {@link EventDecoder}.
 */
final class KqueueSelector implements Selector {
    private static final int POOLED_BUFFERS = 8;
    /** The smallest event list a poll buffer is made with (fewer re-allocations as sinks vary). */
    private static final int MIN_EVENTS = 64;
    /** The largest event list of one kevent() call; a bigger sink fills over several polls. */
    private static final int MAX_EVENTS = 4096;
    /** The first libkqueue that answers NOTE_VERSION. */
    private static final long LIBKQUEUE_2_6 = 0x02060000L;

    private final KqueueProfile profile;
    private final Changes changes;
    private final Wakeup wakeup;
    /** Orders the registration table with the kernel: every change of a registration holds it. */
    private final Object lock = new Object();
    private final Registrations registrations = new Registrations();
    private final ClosedWrites closedWrites = new ClosedWrites();
    private final Registrar registrar;
    private final Timers timers;
    private final Processes processes;
    private final EventDecoder decoder;
    private final BufferPool<PollBuffer> pollBuffers = new BufferPool<>(POOLED_BUFFERS);
    /** Made once, so taking and giving a buffer allocates nothing. */
    private final Supplier<PollBuffer> newPollBuffer;
    private final Consumer<PollBuffer> freePollBuffer = PollBuffer::free;
    private volatile boolean interrupted;

    private KqueueSelector(Changes changes, Wakeup wakeup, boolean millisecondTimers) {
        this.profile = changes.profile();
        this.changes = changes;
        this.wakeup = wakeup;
        this.registrar = new Registrar(lock, changes, registrations, closedWrites, wakeup);
        Kernel kernel = changes.kernel();
        this.timers = new Timers(profile, this::replaceTimer,
                kernel instanceof LongSupplier ? (LongSupplier) kernel : System::nanoTime);
        if (millisecondTimers) {
            timers.milliseconds();
        }
        this.processes = new Processes(profile, new ProcessHost(), kernel,
                kernel instanceof Pidfds ? (Pidfds) kernel : Pidfds.NATIVE);
        this.decoder = new EventDecoder(profile, registrations, timers, processes);
        KeventLayout layout = profile.layout;
        this.newPollBuffer = () -> new PollBuffer(layout, MIN_EVENTS);
    }

    static KqueueSelector open(KqueueProfile profile) throws IOException {
        return open(profile, Kernel.NATIVE);
    }

    /** Opens a selector over {@code kernel}: the real one, or in tests a fake. */
    static KqueueSelector open(KqueueProfile profile, Kernel kernel) throws IOException {
        Changes changes = Changes.open(profile, kernel);
        try {
            // A libkqueue too old to answer NOTE_VERSION (before 2.6) gets timers in milliseconds.
            boolean msTimers = profile == KqueueProfile.LIBKQUEUE
                    && WakeupChoice.libkqueueVersion(changes) < LIBKQUEUE_2_6;
            return new KqueueSelector(changes, WakeupChoice.open(changes), msTimers);
        } catch (IOException | RuntimeException | Error e) {
            changes.close();
            throw e;
        }
    }

    @Override
    public boolean supports(Trigger trigger) {
        return true;
    }

    @Override
    public String refusal(Interests interests) {
        return KqueueFilters.refusal(interests);
    }

    @Override
    public void register(long handle, long token, Interests interests) throws IOException {
        registrar.register(fd(handle), token, interests);
    }

    @Override
    public void reregister(long handle, long token, Interests interests) throws IOException {
        registrar.reregister(fd(handle), token, interests);
    }

    @Override
    public void deregister(long handle) throws IOException {
        registrar.deregister(fd(handle));
    }

    @Override
    public void select(EventSink sink, long timeoutNanos) throws IOException {
        if (interrupted || sink.remaining() == 0) {
            return;
        }
        PollBuffer buffer = pollBuffers.takeOrCreate(newPollBuffer);
        try {
            buffer.ensure(Math.min(sink.remaining(), MAX_EVENTS));
            long wait = Timeouts.capped(timeoutNanos, profile.maxTimeoutSeconds);
            long deadline = Timeouts.deadline(wait);
            int before = sink.size();
            while (!pollOnce(buffer, sink, wait, before)) {
                // Nothing to report: a timeout, a signal, a kick, or only stale / disarmed records.
                if (interrupted || wait == Timeouts.NO_WAIT) {
                    return;
                }
                changes.letChangesThrough();
                wait = Timeouts.remaining(deadline);
                if (wait == Timeouts.NO_WAIT) {
                    return;
                }
            }
        } finally {
            pollBuffers.giveOrFree(buffer, freePollBuffer);
        }
    }

    /**
     * One wait of at most {@code wait} nanoseconds, after the events the selector knows itself,
     * {@link ClosedWrites}' and the exited {@link Processes}' (which make it a wait of none); whether the select is done: it has events beyond the first
     * {@code before}, or the selector is closing.
     */
    private boolean pollOnce(PollBuffer buffer, EventSink sink, long wait, int before) throws NativeException {
        MergeIndex merge = buffer.merge();
        merge.reset();
        int wanted = Math.min(sink.remaining(), buffer.capacity());
        int known = closedWrites.isEmpty() ? 0 : closedWrites.report(decoder, sink, merge, wanted);
        if (!processes.noExits()) {
            known += processes.report(sink, merge, Math.min(sink.remaining(), buffer.capacity() - merge.size()));
        }
        if (known > 0) {
            wait = 0; // events to return already: only collect what else is ready
            wanted = Math.min(sink.remaining(), buffer.capacity() - merge.size());
            if (wanted == 0) {
                return true;
            }
        }
        int n = changes.await(buffer, wanted, wait);
        int signals = n > 0 ? decoder.decodeMore(buffer.view(), n, sink, merge) : 0;
        // While a change waits for the mutex, leave the pipe readable (see ChangeHandoff).
        if ((signals & EventDecoder.WAKE_PIPE) != 0 && !interrupted && !changes.changesWaiting()) {
            wakeup.collect(sink);
        }
        return sink.size() > before || (signals & EventDecoder.INTERRUPTED) != 0;
    }

    @Override
    public WakerHandle newWaker(long token) throws IOException {
        return wakeup.newWaker(token);
    }

    @Override
    public TimerHandle newTimer(long token) {
        return timers.add(token);
    }

    /** {@link Timers.Changes}: one kevent() call with a delete and / or an add of a timer knote. */
    private int replaceTimer(long ident, boolean delete, int addFlags, int fflags, long data, long udata) {
        KqueueConstants c = profile.constants;
        ChangeBatch b = changes.take();
        try {
            if (delete) {
                b.add(ident, c.evfiltTimer, c.evDelete | c.evReceipt, 0, 0L);
            }
            if (addFlags != 0) {
                b.add(ident, c.evfiltTimer, addFlags, fflags, data, udata);
            }
            if (changes.submitPastPollers(b) < 0) {
                int err = changes.kernel().errno();
                if (err != Errno.EINTR) {
                    return err;
                }
            }
            for (int i = 0; i < b.count(); i++) {
                int e = b.error(i, c);
                boolean missing = e == Errno.ENOENT && (b.flags(i) & c.evDelete) != 0;
                if (e != 0 && !missing) {
                    return e;
                }
            }
            return 0;
        } finally {
            changes.give(b);
        }
    }

    @Override
    public void registerProcess(ProcessHandle process, long token, Interests interests) throws IOException {
        synchronized (lock) {
            processes.register(process, token, interests);
        }
    }

    @Override
    public void reregisterProcess(ProcessHandle process, long token, Interests interests) throws IOException {
        synchronized (lock) {
            processes.reregister(process, token, interests);
        }
    }

    @Override
    public void deregisterProcess(ProcessHandle process) throws IOException {
        synchronized (lock) {
            processes.deregister(process);
        }
    }

    /** {@link Processes.Host}: single changes, and the wake-up, called under the lock. */
    private final class ProcessHost implements Processes.Host {
        @Override
        public int change(long ident, int filter, int flags, int fflags, long udata) {
            ChangeBatch b = changes.take();
            try {
                b.add(ident, filter, flags, fflags, udata);
                if (changes.submitPastPollers(b) < 0) {
                    int err = changes.kernel().errno();
                    if (err != Errno.EINTR) {
                        return err;
                    }
                }
                return b.error(0, profile.constants);
            } finally {
                changes.give(b);
            }
        }

        @Override
        public void kick() throws IOException {
            wakeup.kick();
        }
    }

    /**
     * The kqueue's own descriptor, which the BSD kernels and xnu make readable while events are
     * pending (kqueue's own EVFILT_READ / poll support). None over libkqueue: the descriptor its
     * kqueue() returns is the write end of a pipe that only tells its monitor thread of a close
     * (linux/platform.c, {@code kq_id = pipefd[1]}), never readable, and the epoll descriptor
     * behind it is not exposed.
     */
    @Override
    public OptionalInt descriptor() {
        return profile == KqueueProfile.LIBKQUEUE ? OptionalInt.empty() : OptionalInt.of(changes.kq());
    }

    @Override
    public void interrupt() {
        interrupted = true;
        wakeup.interrupt();
    }

    @Override
    public void close() {
        wakeup.close();
        changes.close();
        // After the kqueue: libkqueue keeps knotes of closed descriptors, so its pidfd knotes
        // are gone only with the kqueue.
        processes.close();
        pollBuffers.drain(freePollBuffer);
    }

    @Override
    public String toString() {
        return "KqueueSelector{kq=" + changes.kq() + ", " + profile + ", " + wakeup + "}";
    }

    private static int fd(long handle) {
        if (handle < 0 || handle > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("kqueue: not a file descriptor: " + handle);
        }
        return (int) handle;
    }
}
