package io.jpoll.epoll;

import io.jpoll.spi.Backend;
import io.jpoll.spi.Platform;
import io.jpoll.spi.Selector;

import java.io.IOException;
import java.util.Set;

/**
 * The Linux epoll backend, found through {@link java.util.ServiceLoader}. Support is decided once:
 * Linux, a 64-bit architecture with the generic constants, and libc bound (through the binding
 * {@link EpollBinding} chose); loading this class elsewhere touches no native library.
 */
public final class EpollBackend implements Backend {
    /** The rank among supported backends: epoll is the one Linux queue, so the highest. */
    static final int PRIORITY = 100;

    /** 64-bit Linux architectures whose epoll, eventfd and O_* values are the generic ones. */
    private static final Set<String> ARCHES = Set.of("x86_64", "aarch64", "riscv64", "ppc64le", "s390x", "loongarch64");

    /** Set {@code -Djpoll.epoll.pwait2=false} to use millisecond epoll_wait timeouts only. */
    static final String PWAIT2_PROPERTY = "jpoll.epoll.pwait2";

    /** Decided at first use: why epoll cannot run here, or null. */
    private static final class Support {
        static final String FAILURE = probe();

        private static String probe() {
            if (Platform.os() != Platform.Os.LINUX) {
                return "epoll exists only on Linux, this is " + Platform.describe();
            }
            if (!ARCHES.contains(Platform.arch())) {
                return "the epoll backend supports 64-bit " + ARCHES + ", not " + Platform.arch();
            }
            try {
                EpollBinding.NATIVE.close(-1); // loads and binds libc
                return null;
            } catch (UnsatisfiedLinkError | NoClassDefFoundError | ExceptionInInitializerError e) {
                return "cannot bind libc: " + e;
            }
        }
    }

    /** Called by {@link java.util.ServiceLoader}. */
    public EpollBackend() {
    }

    @Override
    public String name() {
        return "epoll";
    }

    @Override
    public boolean isSupported() {
        return unsupportedReason() == null;
    }

    @Override
    public String unsupportedReason() {
        return Support.FAILURE;
    }

    @Override
    public int priority() {
        return PRIORITY;
    }

    @Override
    public Selector open() throws IOException {
        if (!isSupported()) {
            throw unsupportedHere();
        }
        boolean pwait2 = !"false".equalsIgnoreCase(System.getProperty(PWAIT2_PROPERTY));
        return new EpollSelector(EpollEventLayout.forArch(Platform.arch()), pwait2, EpollBinding.NATIVE);
    }

    /** Names the native binding in use and why, for {@code doctor}: like {@code epoll (native binding: ffm)}. */
    @Override
    public String toString() {
        return "epoll (native binding: " + EpollBinding.describe() + ")";
    }
}
