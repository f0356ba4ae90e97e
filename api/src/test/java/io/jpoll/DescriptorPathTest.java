package io.jpoll;

import io.jpoll.spi.Platform.Os;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.nio.file.Path;
import java.nio.file.Paths;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which path names a descriptor on each OS, and what the refusal says where there is none. */
class DescriptorPathTest {
    @Test
    void linuxUsesProcAndOthersDevFd() {
        assertEquals(Paths.get("/proc/self/fd/9"), new DescriptorPath(Os.LINUX, p -> true).of("op", 9));
        for (Os os : new Os[]{Os.MACOS, Os.FREEBSD, Os.OPENBSD, Os.NETBSD, Os.DRAGONFLY}) {
            assertEquals(Paths.get("/dev/fd/12"), new DescriptorPath(os, p -> true).of("op", 12), os::name);
        }
    }

    @Test
    void freeBsdWithoutFdescfsNamesTheMount() {
        // Without fdescfs, FreeBSD's devfs shows /dev/fd/0 to 2 and nothing above.
        DescriptorPath bare = new DescriptorPath(Os.FREEBSD, p -> p.getFileName().toString().compareTo("3") < 0
                && p.getFileName().toString().length() == 1);
        assertEquals(Paths.get("/dev/fd/2"), bare.of("op", 2));
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> bare.of("ChildPipes.start", 14));
        assertEquals("ChildPipes.start: /dev/fd/14 does not exist: without fdescfs, /dev/fd lists descriptors 0 to 2"
                + " only; mount it (mount -t fdescfs fdesc /dev/fd, or the line 'fdesc /dev/fd fdescfs rw 0 0' in"
                + " /etc/fstab)", e.getMessage());
    }

    @Test
    void linuxWithoutProcNamesTheMount() {
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> new DescriptorPath(Os.LINUX, p -> false).of("ChildPipes.start", 5));
        assertTrue(e.getMessage().startsWith("ChildPipes.start: /proc/self/fd/5 does not exist: procfs is not mounted"),
                e.getMessage());
    }

    @Test
    void windowsSaysWhatIsNotOfferedAndWhatToUse() {
        DescriptorPath windows = new DescriptorPath(Os.WINDOWS, p -> {
            throw new AssertionError("no path may be looked at on Windows: " + p);
        });
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> windows.checkOs("ChildPipes.start"));
        assertTrue(e.getMessage().startsWith("ChildPipes.start: not offered on Windows"), e.getMessage());
        assertTrue(e.getMessage().contains("Source.process(process.toHandle())"), e.getMessage());
        assertThrows(UnsupportedOperationException.class, () -> windows.of("ChildPipes.start", 3));
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void theRealPathOfAnOpenDescriptorExistsHere() {
        Path p = DescriptorPath.here().of("op", 0);
        assertEquals(Paths.get("/proc/self/fd/0"), p);
    }
}
