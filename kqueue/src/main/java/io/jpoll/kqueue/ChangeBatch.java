package io.jpoll.kqueue;

import com.sun.jna.Memory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A few change records submitted in one kevent() call, every one with EV_RECEIPT and the change
 * list doubling as the event list (nevents == nchanges), so the kernel answers each change in its
 * own slot: EV_ERROR set, {@code data} the errno or 0. That is the only way to learn which change
 * failed, and libkqueue reports change errors only this way. A zero timeout follows the records so
 * the call never waits even where a kernel would look for events after the receipts.
 *
 * <p>What each slot asked for (its filter and flags) is kept here in Java, and only the errno is
 * read from the receipt: the receipt overwrites the change, and the kernels differ in what they
 * leave of it. xnu ORs EV_ERROR into the change's flags (kern_event.c, kevent_register's caller)
 * and libkqueue copies the change (common/kevent.c, kevent_copyin), but FreeBSD (kqueue_kevent),
 * OpenBSD (sys_kevent), NetBSD (kevent1) and DragonFly (kern_kevent) write
 * {@code flags = EV_ERROR}, so EV_ADD and EV_DELETE are gone from their receipts.
 *
 * <p>Owns its native memory; {@link #free()} releases it once. Used by one thread at a time
 * (taken from and given back to the selector's pool).
 */
final class ChangeBatch {
    static final int MAX = 4;
    private static final int TIMESPEC = 16;

    private final KeventLayout layout;
    private final Kernel kernel;
    private final Memory memory;
    private final ByteBuffer view;
    private final long address;
    private final int[] filters = new int[MAX];
    private final int[] flags = new int[MAX];
    private int count;

    ChangeBatch(KeventLayout layout, Kernel kernel) {
        this.layout = layout;
        this.kernel = kernel;
        memory = new Memory((long) layout.size() * MAX + TIMESPEC);
        memory.clear();
        view = memory.getByteBuffer(0, memory.size()).order(ByteOrder.nativeOrder());
        address = com.sun.jna.Pointer.nativeValue(memory);
    }

    ChangeBatch clear() {
        count = 0;
        return this;
    }

    int count() {
        return count;
    }

    /** Appends a change; the caller includes EV_RECEIPT in {@code flags}. */
    ChangeBatch add(long ident, int filter, int flags, int fflags, long udata) {
        return add(ident, filter, flags, fflags, 0L, udata);
    }

    /** Appends a change with a {@code data} argument (a timer's period); with EV_RECEIPT, as above. */
    ChangeBatch add(long ident, int filter, int flags, int fflags, long data, long udata) {
        filters[count] = filter;
        this.flags[count] = flags;
        layout.put(view, count++, ident, filter, flags, fflags, data, udata);
        return this;
    }

    /** The filter change {@code i} named, as asked (never read back from the receipt). */
    int filter(int i) {
        return filters[i];
    }

    /** The flags change {@code i} was submitted with, as asked (never read back from the receipt). */
    int flags(int i) {
        return flags[i];
    }

    /**
     * The errno the kernel answered for change {@code i}, 0 for success. A slot the kernel did not
     * write (kevent failed with EINTR after applying every change) still holds the change without
     * EV_ERROR and counts as success.
     */
    int error(int i, KqueueConstants c) {
        return (layout.flags(view, i) & c.evError) != 0 ? (int) layout.data(view, i) : 0;
    }

    /** Submits the changes; the kevent() return value, -1 with errno set on failure. */
    int submit(int kq) {
        long timeout = address + (long) layout.size() * MAX;
        return kernel.kevent(kq, address, count, address, count, timeout);
    }

    /** The records: the changes as written, then the kernel's receipts in their place. */
    ByteBuffer view() {
        return view;
    }

    void free() {
        memory.close();
    }
}
