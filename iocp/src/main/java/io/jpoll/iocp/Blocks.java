package io.jpoll.iocp;

import io.jpoll.NativeException;
import io.jpoll.spi.Timeouts;

import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

/**
 * The socket states of one selector whose native block is allocated, by the block's address
 * (also the OVERLAPPED pointer of every completion of it), and the lifetime of those blocks.
 *
 * <p>The kernel writes a block's IO_STATUS_BLOCK and AFD_POLL_INFO whenever the poll in it
 * completes, so a block may be freed only after its completion was dequeued. Each block is a JNA
 * {@code Memory}, which JNA frees once it is unreachable; a Poll dropped without close would let
 * the collector free blocks under pending polls, and the kernel would write into freed memory.
 * So every table is reachable from a static root from its creation until {@link #release} at
 * close: a dropped Poll's blocks are never freed (its port and helper handles leak too; only
 * close releases them). Blocks whose completion did not come even at close are kept forever.
 *
 * <p>Not thread-safe: the selector calls it under its lock, or at close, when nothing else runs.
 */
final class Blocks {
    /** Every table not yet released: what keeps the blocks of a dropped Poll allocated. */
    private static final Set<Blocks> PINNED = ConcurrentHashMap.newKeySet();
    /** Blocks of polls whose completion never came; the kernel may write them at any time. */
    private static final Queue<Object> ABANDONED = new ConcurrentLinkedQueue<>();

    private final LongMap<SocketState> table = new LongMap<>();

    Blocks() {
        PINNED.add(this);
    }

    void add(SocketState s) {
        table.put(s.address, s);
    }

    /** The state whose block is at {@code address}, or null. */
    SocketState get(long address) {
        return table.get(address);
    }

    int size() {
        return table.size();
    }

    void forEach(Consumer<SocketState> action) {
        table.forEachValue(action);
    }

    /** Frees the block of a state whose poll is not in the kernel (IDLE), exactly once. */
    void free(SocketState s) {
        if (table.remove(s.address) == s) {
            s.free();
        }
    }

    /**
     * At close, after the polls still out were cancelled: waits at most {@code nanos} for their
     * completions, handing each state whose completion comes to {@code retire} (which frees it
     * through {@link #free}). What is left then is abandoned, never freed, and the table is
     * unpinned.
     */
    void drainAndRelease(AfdPort port, long nanos, Consumer<SocketState> retire) {
        EntryBuffer buffer = new EntryBuffer();
        try {
            long deadline = Timeouts.deadline(nanos);
            while (table.size() > 0) {
                long left = Timeouts.remaining(deadline);
                if (left == 0) {
                    break;
                }
                int millis = Timeouts.millisRoundedUp(left, IocpSelector.MAX_MILLIS);
                int n;
                try {
                    n = port.dequeue(buffer.entries, EntryBuffer.CAPACITY, buffer.removed, millis)
                            ? buffer.removedCount() : 0;
                } catch (NativeException e) {
                    break;
                }
                for (int i = 0; i < n; i++) {
                    SocketState s = table.get(buffer.overlapped(i));
                    if (s != null) {
                        s.complete();
                        retire.accept(s);
                    }
                }
            }
        } finally {
            table.forEachValue(s -> ABANDONED.add(s.blockOwner()));
            PINNED.remove(this);
            buffer.free();
        }
    }

    /** Native blocks close could not free (for tests and diagnostics). */
    static int abandoned() {
        return ABANDONED.size();
    }

    /** Tables not yet released: one per selector not yet closed (for tests and diagnostics). */
    static int pinned() {
        return PINNED.size();
    }
}
