package io.jpoll.spi;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlatformTest {
    @Test
    void osNamesAsJvmsReportThem() {
        assertEquals(Platform.Os.LINUX, Platform.parseOs("Linux"));
        assertEquals(Platform.Os.MACOS, Platform.parseOs("Mac OS X"));
        assertEquals(Platform.Os.MACOS, Platform.parseOs("Darwin"));
        assertEquals(Platform.Os.WINDOWS, Platform.parseOs("Windows Server 2022"));
        assertEquals(Platform.Os.FREEBSD, Platform.parseOs("FreeBSD"));
        assertEquals(Platform.Os.OPENBSD, Platform.parseOs("OpenBSD"));
        assertEquals(Platform.Os.NETBSD, Platform.parseOs("NetBSD"));
        assertEquals(Platform.Os.DRAGONFLY, Platform.parseOs("DragonFly"));
        assertEquals(Platform.Os.DRAGONFLY, Platform.parseOs("Dragon Fly"));
        assertEquals(Platform.Os.OTHER, Platform.parseOs("SunOS"));
        assertTrue(Platform.Os.NETBSD.isUnix());
        assertFalse(Platform.Os.WINDOWS.isUnix());
        assertEquals(Platform.parseOs(System.getProperty("os.name")), Platform.os());
    }

    @Test
    void archNamesInTheKernelsSpelling() {
        assertEquals("x86_64", Platform.parseArch("amd64"));
        assertEquals("x86_64", Platform.parseArch("x86_64"));
        assertEquals("aarch64", Platform.parseArch("aarch64"));
        assertEquals("aarch64", Platform.parseArch("arm64"));
        assertEquals("x86", Platform.parseArch("i386"));
        assertEquals("arm", Platform.parseArch("armv7l"));
        assertEquals("riscv64", Platform.parseArch("riscv64"));
        assertEquals("ppc64le", Platform.parseArch("ppc64le"));
    }
}
