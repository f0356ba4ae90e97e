package io.jpoll.iocp;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The OVERLAPPED_ENTRY array one GetQueuedCompletionStatusEx fills, with the ULONG count after it,
 * read through a native-order view. One per polling thread at a time, from the selector's pool.
 */
final class EntryBuffer {
    static final int CAPACITY = 256;
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
