package io.jpoll.epoll;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One {@code epoll_event} for epoll_ctl, written through a native-order ByteBuffer view: plain
 * stores once compiled, where {@code Memory.setInt}/{@code setLong} are a JNI call each, which the
 * profile showed on every register and re-arm. Pooled by the selector; freed once, at close or by
 * the caller that could not pool it.
 */
final class CtlRecord {
    private final Memory memory = new Memory(16);
    private final ByteBuffer view = memory.getByteBuffer(0, 16).order(ByteOrder.nativeOrder());
    private final long address = Pointer.nativeValue(memory);

    /** Fills the record and returns its address. */
    long fill(EpollEventLayout layout, int events, long token) {
        view.putInt(layout.eventsOffset, events);
        view.putLong(layout.dataOffset, token);
        return address;
    }

    void free() {
        memory.close();
    }
}
