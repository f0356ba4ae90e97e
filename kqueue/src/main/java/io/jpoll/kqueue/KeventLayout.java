package io.jpoll.kqueue;

import java.nio.ByteBuffer;

/**
 * Where the fields of one {@code struct kevent} sit, for one OS on LP64, and how to write and read
 * a record of an array of them through a native-order {@link ByteBuffer} view of native memory.
 *
 * <p>Three shapes exist; each constant below cites the header it was read from. {@code ident} is a
 * {@code uintptr_t} at offset 0 and {@code udata} a pointer everywhere; the width of
 * {@code filter} and {@code flags} and the size of the tail differ.
 */
final class KeventLayout {
    /**
     * macOS (xnu {@code bsd/sys/event.h}, {@code struct kevent}), OpenBSD ({@code sys/sys/event.h}),
     * DragonFly ({@code sys/sys/event.h}), FreeBSD 11 and older ({@code sys/sys/event.h} before
     * r320043; the {@code kevent@FBSD_1.0} symbol) and libkqueue ({@code include/sys/event.h.in}):
     * {@code uintptr_t ident; short filter; u_short flags; u_int fflags; intptr_t data; void *udata;}
     * (OpenBSD and DragonFly declare {@code data} as {@code int64_t}/{@code intptr_t}: 8 bytes on LP64).
     */
    static final KeventLayout BSD = new KeventLayout("32-byte (ident, short filter, u_short flags)",
            32, 8, 2, 10, 2, 12, 16, 24);

    /**
     * FreeBSD 12 and later ({@code sys/sys/event.h} since r320043, the default {@code kevent@FBSD_1.5}
     * symbol): {@code int64_t data} and a trailing {@code uint64_t ext[4]} at offset 32.
     */
    static final KeventLayout FREEBSD_12 = new KeventLayout("FreeBSD 12+ 64-byte (with ext[4])",
            64, 8, 2, 10, 2, 12, 16, 24);

    /**
     * NetBSD ({@code sys/sys/event.h}, the {@code __kevent50} symbol):
     * {@code uintptr_t ident; uint32_t filter; uint32_t flags; uint32_t fflags; int64_t data; void *udata;}
     * with 4 bytes of padding before {@code data}.
     */
    static final KeventLayout NETBSD = new KeventLayout("NetBSD 40-byte (uint32_t filter and flags)",
            40, 8, 4, 12, 4, 16, 24, 32);

    static final int IDENT_OFFSET = 0;

    private final String description;
    private final int size;
    private final int filterOffset;
    private final int filterWidth;
    private final int flagsOffset;
    private final int flagsWidth;
    private final int fflagsOffset;
    private final int dataOffset;
    private final int udataOffset;

    private KeventLayout(String description, int size, int filterOffset, int filterWidth, int flagsOffset,
                         int flagsWidth, int fflagsOffset, int dataOffset, int udataOffset) {
        this.description = description;
        this.size = size;
        this.filterOffset = filterOffset;
        this.filterWidth = filterWidth;
        this.flagsOffset = flagsOffset;
        this.flagsWidth = flagsWidth;
        this.fflagsOffset = fflagsOffset;
        this.dataOffset = dataOffset;
        this.udataOffset = udataOffset;
    }

    /** {@code sizeof(struct kevent)}. */
    int size() {
        return size;
    }

    int filterOffset() {
        return filterOffset;
    }

    /** 2 for {@code short filter}, 4 for NetBSD's {@code uint32_t filter}. */
    int filterWidth() {
        return filterWidth;
    }

    int flagsOffset() {
        return flagsOffset;
    }

    int flagsWidth() {
        return flagsWidth;
    }

    int fflagsOffset() {
        return fflagsOffset;
    }

    int dataOffset() {
        return dataOffset;
    }

    int udataOffset() {
        return udataOffset;
    }

    /**
     * Writes record {@code index}, zeroing it first so padding and FreeBSD's {@code ext[]} never
     * carry stale bytes into the kernel.
     */
    void put(ByteBuffer b, int index, long ident, int filter, int flags, int fflags, long data, long udata) {
        int at = index * size;
        for (int i = 0; i < size; i += 8) {
            b.putLong(at + i, 0L);
        }
        b.putLong(at + IDENT_OFFSET, ident);
        if (filterWidth == 2) {
            b.putShort(at + filterOffset, (short) filter);
        } else {
            b.putInt(at + filterOffset, filter);
        }
        if (flagsWidth == 2) {
            b.putShort(at + flagsOffset, (short) flags);
        } else {
            b.putInt(at + flagsOffset, flags);
        }
        b.putInt(at + fflagsOffset, fflags);
        b.putLong(at + dataOffset, data);
        b.putLong(at + udataOffset, udata);
    }

    long ident(ByteBuffer b, int index) {
        return b.getLong(index * size + IDENT_OFFSET);
    }

    /** The filter, sign-extended from {@code short} where it is one (EVFILT_READ is -1 there). */
    int filter(ByteBuffer b, int index) {
        int at = index * size + filterOffset;
        return filterWidth == 2 ? b.getShort(at) : b.getInt(at);
    }

    /** The flags, unsigned. */
    int flags(ByteBuffer b, int index) {
        int at = index * size + flagsOffset;
        return flagsWidth == 2 ? b.getShort(at) & 0xFFFF : b.getInt(at);
    }

    int fflags(ByteBuffer b, int index) {
        return b.getInt(index * size + fflagsOffset);
    }

    long data(ByteBuffer b, int index) {
        return b.getLong(index * size + dataOffset);
    }

    long udata(ByteBuffer b, int index) {
        return b.getLong(index * size + udataOffset);
    }

    @Override
    public String toString() {
        return "struct kevent " + description;
    }
}
