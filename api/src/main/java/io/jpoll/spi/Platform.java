package io.jpoll.spi;

import java.util.Locale;

/** The operating system and architecture this JVM runs on, as the backends need to tell them. */
public final class Platform {
    /** Operating systems the backends tell apart. */
    public enum Os {
        /** Linux. */
        LINUX,
        /** macOS. */
        MACOS,
        /** FreeBSD. */
        FREEBSD,
        /** OpenBSD. */
        OPENBSD,
        /** NetBSD. */
        NETBSD,
        /** DragonFly BSD. */
        DRAGONFLY,
        /** Windows. */
        WINDOWS,
        /** Anything else. */
        OTHER;

        /**
         * Whether sockets and pipes are file descriptors on this OS: the Unix family.
         *
         * @return true for Linux, macOS and the BSDs
         */
        public boolean isUnix() {
            return this != WINDOWS && this != OTHER;
        }
    }

    private static final Os OS = parseOs(System.getProperty("os.name", ""));
    private static final String ARCH = parseArch(System.getProperty("os.arch", ""));

    private Platform() {
    }

    /**
     * The OS this JVM runs on, from {@code os.name}.
     *
     * @return the OS
     */
    public static Os os() {
        return OS;
    }

    /**
     * The CPU architecture this JVM runs on, from {@code os.arch}, named as the kernel names it so
     * that backends can pick struct layouts by it.
     *
     * @return the architecture in the kernel's spelling: {@code x86_64}, {@code aarch64},
     *         {@code x86}, {@code arm}, {@code riscv64}, {@code ppc64le}, {@code s390x}, or the
     *         JVM's own name otherwise
     */
    public static String arch() {
        return ARCH;
    }

    /**
     * The OS and architecture in words, for error messages.
     *
     * @return the OS name and architecture, like {@code Linux x86_64}
     */
    public static String describe() {
        return System.getProperty("os.name", "?") + " " + ARCH;
    }

    static Os parseOs(String osName) {
        String n = osName.toLowerCase(Locale.ROOT).replace(" ", "");
        if (n.startsWith("linux")) return Os.LINUX;
        if (n.startsWith("mac") || n.startsWith("darwin")) return Os.MACOS;
        if (n.startsWith("windows")) return Os.WINDOWS;
        if (n.startsWith("freebsd")) return Os.FREEBSD;
        if (n.startsWith("openbsd")) return Os.OPENBSD;
        if (n.startsWith("netbsd")) return Os.NETBSD;
        if (n.startsWith("dragonfly")) return Os.DRAGONFLY;
        return Os.OTHER;
    }

    static String parseArch(String osArch) {
        String a = osArch.toLowerCase(Locale.ROOT);
        switch (a) {
            case "amd64":
            case "x86_64":
            case "x64":
                return "x86_64";
            case "aarch64":
            case "arm64":
                return "aarch64";
            case "x86":
            case "i386":
            case "i486":
            case "i586":
            case "i686":
                return "x86";
            default:
                return a.startsWith("arm") ? "arm" : a;
        }
    }
}
