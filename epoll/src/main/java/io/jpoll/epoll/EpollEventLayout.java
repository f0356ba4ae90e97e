package io.jpoll.epoll;

/**
 * The layout of {@code struct epoll_event { uint32_t events; epoll_data_t data; }}. The kernel
 * declares it {@code __attribute__((packed))} on x86_64 only (include/uapi/linux/eventpoll.h,
 * EPOLL_PACKED), so there it is 12 bytes with the 64-bit data at offset 4; every other
 * architecture aligns data to 8, making it 16 bytes.
 */
final class EpollEventLayout {
    static final EpollEventLayout PACKED = new EpollEventLayout(12, 4);
    static final EpollEventLayout ALIGNED = new EpollEventLayout(16, 8);

    /** Bytes per record. */
    final int size;
    /** Offset of {@code events}, always 0. */
    final int eventsOffset = 0;
    /** Offset of the 64-bit {@code data}, where the token lives. */
    final int dataOffset;

    private EpollEventLayout(int size, int dataOffset) {
        this.size = size;
        this.dataOffset = dataOffset;
    }

    /** The layout for an architecture as {@code io.jpoll.spi.Platform.arch()} names it. */
    static EpollEventLayout forArch(String arch) {
        return "x86_64".equals(arch) ? PACKED : ALIGNED;
    }

    @Override
    public String toString() {
        return "epoll_event{size=" + size + ", data@" + dataOffset + "}";
    }
}
