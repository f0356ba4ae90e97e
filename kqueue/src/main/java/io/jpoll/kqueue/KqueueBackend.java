package io.jpoll.kqueue;

import io.jpoll.spi.Backend;
import io.jpoll.spi.Selector;

import java.io.IOException;

/**
 * The kqueue backend: macOS, FreeBSD, OpenBSD, NetBSD and DragonFly natively, and Linux through
 * libkqueue when {@code -Djpoll.kqueue.library=/path/to/libkqueue.so} names one. Its priority is
 * below epoll's, so on Linux it runs only when asked for ({@code -Djpoll.backend=kqueue} or
 * {@code Poll.open("kqueue")}).
 */
public final class KqueueBackend implements Backend {
    /** Below epoll (100): kqueue never wins on Linux unless named. */
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
        return Natives.profile() != null;
    }

    @Override
    public String unsupportedReason() {
        return Natives.unsupportedReason();
    }

    @Override
    public int priority() {
        return PRIORITY;
    }

    @Override
    public Selector open() throws IOException {
        KqueueProfile profile = Natives.profile();
        if (profile == null) {
            throw new IllegalStateException("kqueue backend: " + Natives.unsupportedReason());
        }
        return KqueueSelector.open(profile);
    }

    /** Names the native binding in use and why, for {@code doctor}: like {@code kqueue (native binding: ffm)}. */
    @Override
    public String toString() {
        return "kqueue (native binding: " + KernelBinding.describe() + ")";
    }
}
