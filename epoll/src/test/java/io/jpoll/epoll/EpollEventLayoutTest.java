package io.jpoll.epoll;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.jpoll.spi.Platform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EpollEventLayoutTest {
    @Test
    void packedOnX86_64Only() {
        assertSame(EpollEventLayout.PACKED, EpollEventLayout.forArch("x86_64"));
        assertEquals(12, EpollEventLayout.PACKED.size);
        assertEquals(4, EpollEventLayout.PACKED.dataOffset);
        for (String arch : new String[]{"aarch64", "riscv64", "ppc64le", "s390x", "loongarch64"}) {
            EpollEventLayout l = EpollEventLayout.forArch(arch);
            assertEquals(16, l.size, arch);
            assertEquals(8, l.dataOffset, arch);
            assertEquals(0, l.eventsOffset, arch);
        }
    }

    /**
     * The layout this JVM uses is the one the kernel writes: a record the kernel filled, read at
     * our offsets, gives back the exact bits and token. Under qemu-aarch64 this runs the 16-byte case.
     */
    @Test
    @EnabledOnOs(OS.LINUX)
    void kernelWritesTheLayoutWeRead() {
        EpollEventLayout layout = EpollEventLayout.forArch(Platform.arch());
        int ep = LibC.epoll_create1(EpollFlags.EPOLL_CLOEXEC);
        int efd = LibC.eventfd(1, EpollFlags.EFD_CLOEXEC | EpollFlags.EFD_NONBLOCK); // counter 1: readable
        assertTrue(ep >= 0 && efd >= 0, "errno " + Native.getLastError());
        try (Memory ev = new Memory(2L * layout.size)) {
            ev.clear();
            long token = 0xDEADBEEFCAFEBABEL;
            ev.setInt(layout.eventsOffset, EpollFlags.EPOLLIN);
            ev.setLong(layout.dataOffset, token);
            assertEquals(0, LibC.epoll_ctl(ep, EpollFlags.EPOLL_CTL_ADD, efd, Pointer.nativeValue(ev)));
            ev.clear();
            assertEquals(1, LibC.epoll_wait(ep, Pointer.nativeValue(ev), 2, 1000));
            var view = ev.getByteBuffer(0, 2L * layout.size).order(ByteOrder.nativeOrder());
            assertEquals(EpollFlags.EPOLLIN, view.getInt(layout.eventsOffset));
            assertEquals(token, view.getLong(layout.dataOffset));
            // Nothing spills into the second record: the stride is right.
            for (int i = layout.size; i < 2 * layout.size; i++) {
                assertEquals(0, view.get(i), "byte " + i);
            }
        } finally {
            LibC.close(efd);
            LibC.close(ep);
        }
    }
}
