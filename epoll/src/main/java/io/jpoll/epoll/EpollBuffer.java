package io.jpoll.epoll;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import io.jpoll.spi.Timeouts;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One poller's native memory: the {@code epoll_event} array the kernel fills, followed by a
 * {@code struct timespec} for epoll_pwait2. Read through a native-order ByteBuffer view, which
 * the JIT compiles to plain loads (a {@code Pointer.getInt} is a JNI call per field).
 *
 * <p>Owned by exactly one poller at a time (see {@link io.jpoll.spi.BufferPool}); {@link #free()}
 * runs once, by the selector's close or by the poller that could not pool it.
 */
final class EpollBuffer {
    private static final int TIMESPEC = 16;

    private final EpollEventLayout layout;
    private Memory memory;
    private ByteBuffer view;
    private long address;
    private int capacity;

    /** An empty buffer: the first {@link #ensure} allocates, at the size the first poll needs. */
    EpollBuffer(EpollEventLayout layout) {
        this.layout = layout;
    }

    /** Grows to hold at least {@code events} records; never shrinks. */
    void ensure(int events) {
        if (events > capacity) {
            if (memory != null) {
                memory.close();
            }
            allocate(Math.max(events, Math.min(capacity * 2, EpollSelector.MAX_BATCH)));
        }
    }

    private void allocate(int events) {
        long bytes = (long) events * layout.size + TIMESPEC;
        memory = new Memory(bytes);
        address = Pointer.nativeValue(memory);
        view = memory.getByteBuffer(0, bytes).order(ByteOrder.nativeOrder());
        capacity = events;
    }

    int capacity() {
        return capacity;
    }

    long address() {
        return address;
    }

    /** The address of the timespec, after the records. */
    long timespec(long nanos) {
        int at = capacity * layout.size;
        view.putLong(at, Timeouts.timespecSeconds(nanos));
        view.putLong(at + 8, Timeouts.timespecNanos(nanos));
        return address + at;
    }

    /**
     * The address of 8 bytes a poller may read a timerfd's count into once its wait has returned:
     * the timespec's place, which only the wait itself uses.
     */
    long scratch() {
        return address + capacity * layout.size;
    }

    /** The 8 bytes at {@link #scratch()}. */
    long scratchLong() {
        return view.getLong(capacity * layout.size);
    }

    int events(int index) {
        return view.getInt(index * layout.size + layout.eventsOffset);
    }

    long data(int index) {
        return view.getLong(index * layout.size + layout.dataOffset);
    }

    void free() {
        if (memory != null) {
            memory.close();
        }
    }
}
