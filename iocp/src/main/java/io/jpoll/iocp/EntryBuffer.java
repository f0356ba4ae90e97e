package io.jpoll.iocp;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The OVERLAPPED_ENTRY array one GetQueuedCompletionStatusEx fills, with the ULONG count after it,
 * read through a native-order view. One per polling thread at a time, from the selector's pool.
 */
final class EntryBuffer {
    static final int CAPACITY = 256;
    /** For {@link io.jpoll.spi.BufferPool#takeOrCreate}: made once, so a take allocates nothing. */
    static final Supplier<EntryBuffer> CREATE = EntryBuffer::new;
    /** For {@link io.jpoll.spi.BufferPool#giveOrFree} and {@code drain}. */
    static final Consumer<EntryBuffer> FREE = EntryBuffer::free;
    private static final int COUNT = CAPACITY * Layout.ENTRY_SIZE;

    private final Memory memory;
    private final ByteBuffer view;
    final long entries;
    final long removed;

    EntryBuffer() {
        memory = new Memory(COUNT + 8L);
        memory.clear();
        view = memory.getByteBuffer(0, COUNT + 8L).order(ByteOrder.nativeOrder());
        entries = Pointer.nativeValue(memory);
        removed = entries + COUNT;
    }

    /** How many records the last dequeue wrote. */
    int removedCount() {
        return view.getInt(COUNT);
    }

    long key(int i) {
        return view.getLong(i * Layout.ENTRY_SIZE + Layout.ENTRY_KEY);
    }

    long overlapped(int i) {
        return view.getLong(i * Layout.ENTRY_SIZE + Layout.ENTRY_OVERLAPPED);
    }

    int bytes(int i) {
        return view.getInt(i * Layout.ENTRY_SIZE + Layout.ENTRY_BYTES);
    }

    void free() {
        memory.close();
    }
}
