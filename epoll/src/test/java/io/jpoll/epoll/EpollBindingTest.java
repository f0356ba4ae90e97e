package io.jpoll.epoll;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which native binding runs: FFM on JDK 22+ unless {@code -Djpoll.native=jna}, JNA otherwise,
 * with the reason; and both bindings report errno the same way. The surefire execution
 * {@code jna-binding} runs this class again with {@code -Djpoll.native=jna}.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(30)
class EpollBindingTest {
    private static final int EBADF = 9;
    private static final int EINVAL = 22;

    private static String expectedInUse() {
        String forced = System.getProperty(EpollBinding.PROPERTY);
        if ("jna".equals(forced) || Runtime.version().feature() < 22) {
            return "jna";
        }
        return "ffm";
    }

    @Test
    void theBindingInUseIsTheExpectedOneAndDoctorSeesIt() {
        String expected = expectedInUse();
        assertEquals(expected, EpollBinding.NATIVE.name(), EpollBinding.describe());
        assertTrue(EpollBinding.describe().startsWith(expected), EpollBinding.describe());
        assertTrue(new EpollBackend().toString().startsWith("epoll (native binding: " + expected),
                new EpollBackend().toString());
    }

    @Test
    void ffmAskedForOnJdk17FallsBackToJnaAndSaysWhy() {
        EpollBinding.Choice c = EpollBinding.choose("ffm", 17);
        assertSame(JnaEpollNative.INSTANCE, c.calls);
        assertEquals("jna (-Djpoll.native=ffm asked for ffm, unavailable: JDK 17 has no final java.lang.foreign,"
                + " which needs JDK 22 or later)", c.description);
    }

    @Test
    void automaticOnJdk21IsJnaAndSaysWhy() {
        EpollBinding.Choice c = EpollBinding.choose(null, 21);
        assertSame(JnaEpollNative.INSTANCE, c.calls);
        assertEquals("jna (ffm unavailable: JDK 21 has no final java.lang.foreign, which needs JDK 22 or later)",
                c.description);
    }

    @Test
    void jnaCanBeForced() {
        EpollBinding.Choice c = EpollBinding.choose("JNA", Runtime.version().feature());
        assertSame(JnaEpollNative.INSTANCE, c.calls);
        assertEquals("jna (forced by -Djpoll.native=jna)", c.description);
    }

    @Test
    void ffmIsChosenOnThisJdkWhenItIsNew() {
        int feature = Runtime.version().feature();
        EpollBinding.Choice c = EpollBinding.choose("ffm", feature);
        assertEquals(feature >= 22 ? "ffm" : "jna", c.calls.name(), c.description);
    }

    /** Every binding this JDK can load: JNA always, FFM from JDK 22. */
    static List<EpollNative> bindings() {
        List<EpollNative> all = new ArrayList<>();
        all.add(JnaEpollNative.INSTANCE);
        EpollNative ffm = EpollBinding.choose("ffm", Runtime.version().feature()).calls;
        if (ffm != JnaEpollNative.INSTANCE) {
            all.add(ffm);
        }
        return all;
    }

    @Test
    void bothBindingsReturnMinusErrno() {
        for (EpollNative calls : bindings()) {
            assertEquals(-EBADF, calls.close(-1), calls.name());
            assertEquals(-EBADF, calls.write(-1, 0, 0), calls.name());
            int ep = calls.epollCreate1(EpollFlags.EPOLL_CLOEXEC);
            int efd = calls.eventfd(0, EpollFlags.EFD_CLOEXEC | EpollFlags.EFD_NONBLOCK);
            // Real buffers, never NULL: which check comes first is the kernel's business, and
            // qemu-user checks the buffer before anything else (EFAULT where Linux says EAGAIN).
            try (Memory records = new Memory(16); Memory counter = new Memory(8)) {
                long buf = Pointer.nativeValue(records);
                long value = Pointer.nativeValue(counter);
                assertTrue(ep >= 0 && efd >= 0, calls.name() + ": " + ep + " " + efd);
                assertEquals(-Errno.ENOENT, calls.epollCtl(ep, EpollFlags.EPOLL_CTL_DEL, efd, 0), calls.name());
                assertEquals(-Errno.EAGAIN, calls.read(efd, value, 8), calls.name() + ": an empty eventfd");
                assertEquals(0, calls.epollWait(ep, buf, 1, 0), calls.name());
                // The FFM binding learns errno by repeating a failed wait without blocking: a
                // lasting failure must still come back as itself, from both kinds of wait.
                assertEquals(-EBADF, calls.epollWait(-1, buf, 1, 1000), calls.name());
                assertEquals(-EINVAL, calls.epollWait(ep, buf, 0, 1000), calls.name() + ": maxevents 0");
                if (calls.hasPwait2()) {
                    try (Memory timespec = new Memory(16)) {
                        timespec.setLong(0, 1);
                        timespec.setLong(8, 0);
                        assertEquals(-EBADF, calls.epollPwait2(-1, buf, 1, Pointer.nativeValue(timespec), 0), calls.name());
                    }
                }
            } finally {
                assertEquals(0, calls.close(efd), calls.name());
                assertEquals(0, calls.close(ep), calls.name());
            }
        }
    }
}
