package io.jpoll.iocp;

import io.jpoll.AlreadyRegisteredException;
import io.jpoll.Interests;
import io.jpoll.NativeException;
import io.jpoll.NotRegisteredException;
import io.jpoll.Trigger;
import io.jpoll.spi.BufferPool;
import io.jpoll.spi.EventSink;
import io.jpoll.spi.Selector;
import io.jpoll.spi.Timeouts;
import io.jpoll.spi.WakerHandle;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Poll on a completion port: one AFD poll per registered socket, its completion dequeued by
 * GetQueuedCompletionStatusEx.
 *
 * <p>Threads wait in the kernel without a lock and take the selector's lock only to turn the
 * dequeued records into events, so several threads can poll the port at once; each completion
 * reaches exactly one of them. Registration changes take the same lock and talk to the kernel at
 * once, so a thread already waiting sees their effect.
 */
final class IocpSelector implements Selector {
    static final String OP_POLL = "NtDeviceIoControlFile(IOCTL_AFD_POLL)";
    static final String OP_CANCEL = "NtCancelIoFileEx";

    /** GetQueuedCompletionStatusEx's longest finite wait: the DWORD below INFINITE, in milliseconds. */
    static final int MAX_MILLIS = 0xFFFFFFFE;
    /** How long close waits for the completions of cancelled polls before abandoning their memory. */
    static final long DRAIN_NANOS = TimeUnit.SECONDS.toNanos(2);
    /**
     * A non-blocking poll dequeues again this often while the records it got produced no event:
     * a cancelled poll it reissued may have completed at once with readiness that already existed.
     */
    private static final int NON_BLOCKING_ROUNDS = 4;
    private static final String EDGE_REFUSAL = "EDGE is not offered: an AFD poll completes with the socket's current state, not with"
            + " a change of it, and jpoll cannot see the reads and writes a JDK channel does, so it could not"
            + " tell when a drained socket becomes ready again; use ONESHOT and reregister after draining, or LEVEL";

    private final AfdPort port;
    private final Object lock = new Object();
    private final Map<Long, SocketState> registrations = new HashMap<>();
    /** Every state whose native block is allocated, by its address; pinned until close. */
    private final Blocks blocks = new Blocks();
    private final PollCycle cycle;
    private final LongMap<IocpWaker> wakers = new LongMap<>();
    private final PollGroups groups;
    private final BufferPool<EntryBuffer> buffers = new BufferPool<>(4);
    private final Carry carry = new Carry();
    private final Carry.Decoder decoder = this::decode;
    private final ReuseProbe probe;
    private long lastWakerKey;
    private volatile boolean interrupted;

    IocpSelector(AfdPort port) {
        this.port = port;
        probe = new ReuseProbe(port, carry, buffers);
        cycle = new PollCycle(port, blocks);
        groups = new PollGroups(port);
    }

    @Override
    public boolean supports(Trigger trigger) {
        return trigger != Trigger.EDGE;
    }

    @Override
    public String refusal(Interests interests) {
        return interests.trigger() == Trigger.EDGE ? EDGE_REFUSAL : null;
    }

    @Override
    public void register(long handle, long token, Interests interests) throws IOException {
        synchronized (lock) {
            long base = port.baseSocket(handle);
            SocketAddresses addresses = port.addresses(handle);
            SocketState old = registrations.get(handle);
            if (old != null && !old.isClosed()) {
                if (!probe.isGone(old, base, addresses)) {
                    throw new AlreadyRegisteredException("Registry.register", "socket", handle, token,
                            "token=" + old.token());
                }
                // Closed without deregister, and the number went to a new socket: the old
                // registration ends as if deregistered, as the OS drops a closed socket elsewhere.
                end(old);
            }
            PollGroup group = groups.acquire();
            SocketState s = new SocketState(handle, base, addresses, group, token, interests);
            blocks.add(s);
            int status = s.update(port);
            if (status != WinErrors.STATUS_SUCCESS) {
                cycle.retire(s);
                throw WinErrors.error(OP_POLL, "socket", handle, "token=" + token, status);
            }
            // A tombstone of a closed socket whose handle number came back is replaced.
            registrations.put(handle, s);
        }
    }

    @Override
    public void reregister(long handle, long token, Interests interests) throws IOException {
        synchronized (lock) {
            SocketState s = live(handle, "Registry.reregister", token);
            String operation = s.phase() == SocketState.Phase.PENDING ? OP_CANCEL : OP_POLL;
            s.rearm(token, interests);
            int status = s.update(port);
            if (status != WinErrors.STATUS_SUCCESS) {
                throw WinErrors.error(operation, "socket", handle, "token=" + token, status);
            }
        }
    }

    @Override
    public void deregister(long handle) throws IOException {
        synchronized (lock) {
            SocketState s = registrations.get(handle);
            if (s == null) {
                throw new NotRegisteredException("Registry.deregister", "socket", handle, null);
            }
            if (s.isClosed()) {
                registrations.remove(handle);
                return; // its state went when the close was seen; only the tombstone was left
            }
            end(s);
        }
    }

    /**
     * Ends a live registration: it reports nothing more, and its block stays until the completion
     * of its cancelled poll is dequeued. If the cancel fails, nothing changes.
     */
    private void end(SocketState s) throws NativeException {
        int status = s.cancel(port); // STATUS_SUCCESS when no poll is pending
        if (status != WinErrors.STATUS_SUCCESS) {
            throw WinErrors.error(OP_CANCEL, "socket", s.handle, "token=" + s.token(), status);
        }
        registrations.remove(s.handle);
        s.markDeleted();
        if (s.phase() == SocketState.Phase.IDLE) {
            cycle.retire(s);
        }
    }

    private SocketState live(long handle, String operation, long token) throws NotRegisteredException {
        SocketState s = registrations.get(handle);
        if (s == null) {
            throw new NotRegisteredException(operation, "socket", handle, token, null);
        }
        if (s.isClosed()) {
            throw new NotRegisteredException(operation, "socket", handle, token,
                    "the socket was closed while registered, which ended its registration");
        }
        return s;
    }

    @Override
    public void select(EventSink sink, long timeoutNanos) throws IOException {
        if (interrupted) {
            return;
        }
        EntryBuffer buffer = buffers.takeOrCreate(EntryBuffer.CREATE);
        try {
            select(buffer, sink, timeoutNanos);
        } finally {
            buffers.giveOrFree(buffer, EntryBuffer.FREE);
        }
    }

    private void select(EntryBuffer buffer, EventSink sink, long timeoutNanos) throws IOException {
        boolean interrupt;
        synchronized (lock) {
            cycle.flushReissues(sink);
            interrupt = carry.replay(sink, decoder);
        }
        if (interrupt) {
            port.post(AfdPort.POST_INTERRUPT, 0);
            return;
        }
        long deadline = Timeouts.deadline(timeoutNanos);
        long wait = sink.size() > 0 ? 0 : timeoutNanos;
        int rounds = 0;
        while (true) {
            int max = Math.min(sink.remaining(), EntryBuffer.CAPACITY);
            if (max == 0) {
                return;
            }
            int millis = Timeouts.millisRoundedUp(wait, MAX_MILLIS); // beyond the DWORD: INFINITE
            int n = port.dequeue(buffer.entries, max, buffer.removed, millis) ? buffer.removedCount() : 0;
            synchronized (lock) {
                interrupt = false;
                for (int i = 0; i < n; i++) {
                    interrupt |= decode(buffer.key(i), buffer.overlapped(i), buffer.bytes(i), sink);
                }
                // Records a register took off the port while this thread waited (see Carry).
                interrupt |= carry.replay(sink, decoder);
            }
            if (interrupt) {
                // Put the packet back so that every other waiting thread gets one in turn.
                port.post(AfdPort.POST_INTERRUPT, 0);
                return;
            }
            if (sink.size() > 0 || interrupted) {
                return;
            }
            if (wait == 0) {
                if (n == 0 || ++rounds >= NON_BLOCKING_ROUNDS) {
                    return;
                }
            } else {
                wait = Timeouts.remaining(deadline);
                if (wait == 0) {
                    return;
                }
            }
        }
    }

    /** Turns one dequeued record into at most one event; true if it is the interrupt packet. */
    private boolean decode(long key, long overlapped, int bytes, EventSink sink) {
        if (overlapped != 0) {
            cycle.completed(overlapped, sink);
        } else if (bytes == AfdPort.POST_WAKE) {
            IocpWaker w = wakers.get(key);
            if (w != null) {
                w.delivered();
                sink.add(w.token, EventSink.READABLE);
            }
        } else if (bytes == AfdPort.POST_INTERRUPT) {
            return true;
        }
        return false; // a nudge (POST_NUDGE) only ends a wait
    }

    @Override
    public WakerHandle newWaker(long token) {
        synchronized (lock) {
            IocpWaker w = new IocpWaker(this, token, ++lastWakerKey);
            wakers.put(w.key, w);
            return w;
        }
    }

    void forget(IocpWaker w) {
        synchronized (lock) {
            wakers.remove(w.key);
        }
    }

    void post(int bytes, long key) throws NativeException {
        port.post(bytes, key);
    }

    /**
     * Posts one interrupt packet. A thread that dequeues it posts it again before returning, so
     * it passes from thread to thread until every waiting one has returned; a thread that comes
     * later sees the flag first.
     *
     * <p>Never throws, so that the Poll's close goes on to release everything. If the post fails
     * (PostQueuedCompletionStatus fails only for lack of kernel memory or a bad port), the failure
     * is logged; every poll that starts later returns at once, and a thread already waiting
     * without a timeout returns with the next completion or wake.
     */
    @Override
    public void interrupt() {
        interrupted = true;
        try {
            port.post(AfdPort.POST_INTERRUPT, 0);
        } catch (NativeException | RuntimeException e) {
            System.getLogger("io.jpoll.iocp").log(System.Logger.Level.WARNING,
                    "iocp: could not wake the threads waiting in a closing Poll", e);
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            cycle.clear();
            carry.drainOverlapped(overlapped -> {
                SocketState s = blocks.get(overlapped);
                if (s != null) {
                    s.complete();
                    cycle.retire(s);
                }
            });
            List<SocketState> all = new ArrayList<>(blocks.size());
            blocks.forEach(all::add);
            for (SocketState s : all) {
                s.markDeleted();
                if (s.phase() == SocketState.Phase.IDLE) {
                    cycle.retire(s);
                } else {
                    // A failed cancel leaves the poll to complete on its own or at the helper's
                    // close; the drain below waits for it either way.
                    s.cancel(port);
                }
            }
            registrations.clear();
        }
        // Whatever has not completed when the wait ends stays allocated for good: the kernel may
        // still write it until the helper handles below are closed, and after.
        blocks.drainAndRelease(port, DRAIN_NANOS, cycle::retire);
        groups.closeAll();
        port.close();
        buffers.drain(EntryBuffer.FREE);
    }

    /** Native blocks close could not free (for tests and diagnostics). */
    static int abandonedBlocks() {
        return Blocks.abandoned();
    }

    /** For tests: the number of states whose native block is allocated. */
    int liveBlocks() {
        synchronized (lock) {
            return blocks.size();
        }
    }

    /** For tests: the objects whose reachability keeps the native blocks allocated. */
    List<Object> blockOwners() {
        synchronized (lock) {
            List<Object> owners = new ArrayList<>();
            blocks.forEach(s -> owners.add(s.blockOwner()));
            return owners;
        }
    }

    /** For tests: the number of AFD helper handles open. */
    int helperCount() {
        synchronized (lock) {
            return groups.size();
        }
    }
}
