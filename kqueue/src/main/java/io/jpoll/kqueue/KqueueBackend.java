package io.jpoll.kqueue;

import io.jpoll.spi.Backend;
import io.jpoll.spi.Selector;

import java.io.IOException;

/**
 * The kqueue backend: macOS, FreeBSD, OpenBSD, NetBSD and DragonFly natively, and Linux through
 * libkqueue when {@code -Djpoll.kqueue.library=/path/to/libkqueue.so} names one. Found through
 * {@link java.util.ServiceLoader}. Support is decided once, by {@link Natives} binding the calls
 * and choosing the {@link KqueueProfile} of this OS; loading this class touches no native library.
 */
public final class KqueueBackend implements Backend {
    /** The rank among supported backends: below epoll, so kqueue never wins on Linux unless named. */
    static final int PRIORITY = 50;

    /** Called by {@link java.util.ServiceLoader}. */
    public KqueueBackend() {
    }

    @Override
    public String name() {
        return "kqueue";
    }

    @Override
    public boolean isSupported() {
        return unsupportedReason() == null;
    }

    @Override
    public String unsupportedReason() {
        return Natives.unsupportedReason(); // null exactly when Natives.profile() is not
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
        return KqueueSelector.open(Natives.profile());
    }

    /** Names the native binding in use and why, for {@code doctor}: like {@code kqueue (native binding: ffm)}. */
    @Override
    public String toString() {
        return "kqueue (native binding: " + KernelBinding.describe() + ")";
    }
}
