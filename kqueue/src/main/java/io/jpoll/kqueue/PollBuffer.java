package io.jpoll.kqueue;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The native event list of one poll, its timespec and the merge index used to decode it. Pollers
 * take one from the selector's pool, so concurrent polls each have their own and steady-state
 * polling allocates nothing. Freed once, by whoever holds it last (the pool at close, or the poller
 * when the pool is full).
 */
final class PollBuffer {
    private static final int TIMESPEC = 16;

    private final Memory memory;
    private final ByteBuffer view;
    private final long address;
    private final long timespec;
    private final int capacity;
    private final MergeIndex merge;

    PollBuffer(KeventLayout layout, int capacity) {
        this.capacity = capacity;
        memory = new Memory((long) layout.size() * capacity + TIMESPEC);
        view = memory.getByteBuffer(0, memory.size()).order(ByteOrder.nativeOrder());
        address = Pointer.nativeValue(memory);
        timespec = (long) layout.size() * capacity;
        merge = new MergeIndex(capacity);
    }

    int capacity() {
        return capacity;
    }

    long address() {
        return address;
    }

    ByteBuffer view() {
        return view;
    }

    MergeIndex merge() {
        return merge;
    }

    /**
     * The address of a {@code struct timespec} for {@code nanos} (LP64: {@code time_t tv_sec;
     * long tv_nsec;}), or 0 (NULL: wait without bound) for a negative value.
     */
    long timeout(long nanos) {
        if (nanos < 0) {
            return 0L;
        }
        view.putLong((int) timespec, nanos / 1_000_000_000L);
        view.putLong((int) timespec + 8, nanos % 1_000_000_000L);
        return address + timespec;
    }

    void free() {
        memory.close();
    }
}
