package io.jpoll.kqueue;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import io.jpoll.spi.Timeouts;

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

    private final KeventLayout layout;
    private Memory memory;
    private ByteBuffer view;
    private long address;
    private long timespec;
    private int capacity;
    private MergeIndex merge;

    PollBuffer(KeventLayout layout, int capacity) {
        this.layout = layout;
        allocate(capacity);
    }

    private void allocate(int records) {
        capacity = records;
        memory = new Memory((long) layout.size() * records + TIMESPEC);
        view = memory.getByteBuffer(0, memory.size()).order(ByteOrder.nativeOrder());
        address = Pointer.nativeValue(memory);
        timespec = (long) layout.size() * records;
        merge = new MergeIndex(records);
    }

    /** Grows the list to hold at least {@code records}, dropping what it held; steady state never grows. */
    void ensure(int records) {
        if (records > capacity) {
            memory.close();
            allocate(records);
        }
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
        view.putLong((int) timespec, Timeouts.timespecSeconds(nanos));
        view.putLong((int) timespec + 8, Timeouts.timespecNanos(nanos));
        return address + timespec;
    }

    void free() {
        memory.close();
    }
}
