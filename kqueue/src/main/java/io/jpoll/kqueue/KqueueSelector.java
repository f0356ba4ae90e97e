package io.jpoll.kqueue;

import io.jpoll.Interests;
import io.jpoll.NativeException;
import io.jpoll.Trigger;
import io.jpoll.spi.BufferPool;
import io.jpoll.spi.EventSink;
import io.jpoll.spi.Selector;
import io.jpoll.spi.Timeouts;
import io.jpoll.spi.WakerHandle;

import java.io.IOException;
import java.util.function.Consumer;
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
 * <p>A new kind of registration (a timer, a process) is a class beside {@link Registrar} that
 * shares its lock, {@link Changes} and, for its records, a case in {@link EventDecoder}.
 */
final class KqueueSelector implements Selector {
    private static final int POOLED_BUFFERS = 8;
    /** The smallest event list a poll buffer is made with (fewer re-allocations as sinks vary). */
    private static final int MIN_EVENTS = 64;
    /** The largest event list of one kevent() call; a bigger sink fills over several polls. */
    private static final int MAX_EVENTS = 4096;

    private final KqueueProfile profile;
    private final Changes changes;
    private final Wakeup wakeup;
    /** Orders the registration table with the kernel: every change of a registration holds it. */
    private final Object lock = new Object();
    private final Registrations registrations = new Registrations();
    private final ClosedWrites closedWrites = new ClosedWrites();
    private final Registrar registrar;
    private final EventDecoder decoder;
    private final BufferPool<PollBuffer> pollBuffers = new BufferPool<>(POOLED_BUFFERS);
    /** Made once, so taking and giving a buffer allocates nothing. */
    private final Supplier<PollBuffer> newPollBuffer;
    private final Consumer<PollBuffer> freePollBuffer = PollBuffer::free;
    private volatile boolean interrupted;

    private KqueueSelector(Changes changes, Wakeup wakeup) {
        this.profile = changes.profile();
        this.changes = changes;
        this.wakeup = wakeup;
        this.registrar = new Registrar(lock, changes, registrations, closedWrites, wakeup);
        this.decoder = new EventDecoder(profile, registrations);
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
            return new KqueueSelector(changes, WakeupChoice.open(changes));
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
     * One wait of at most {@code wait} nanoseconds, after {@link ClosedWrites}' own events (which
     * make it a wait of none); whether the select is done: it has events beyond the first
     * {@code before}, or the selector is closing.
     */
    private boolean pollOnce(PollBuffer buffer, EventSink sink, long wait, int before) throws NativeException {
        MergeIndex merge = buffer.merge();
        merge.reset();
        int wanted = Math.min(sink.remaining(), buffer.capacity());
        if (!closedWrites.isEmpty() && closedWrites.report(decoder, sink, merge, wanted) > 0) {
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
    public void interrupt() {
        interrupted = true;
        wakeup.interrupt();
    }

    @Override
    public void close() {
        wakeup.close();
        changes.close();
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
