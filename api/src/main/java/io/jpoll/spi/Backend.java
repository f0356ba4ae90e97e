package io.jpoll.spi;

import java.io.IOException;

/**
 * A readiness mechanism of one OS family, found through {@link java.util.ServiceLoader}.
 * {@code Poll.open()} asks every backend on the class or module path whether it
 * {@linkplain #isSupported() runs here} and takes the supported one with the highest
 * {@linkplain #priority() priority}.
 */
public interface Backend {
    /**
     * The name users choose this backend by, with {@code Poll.open(name)} or {@code -Djpoll.backend}.
     *
     * @return a short lower-case name: {@code epoll}, {@code kqueue}, {@code iocp}
     */
    String name();

    /**
     * Whether this backend can run here: the OS and architecture fit and its native library loads.
     *
     * @return whether this backend can run on this OS and architecture
     */
    boolean isSupported();

    /**
     * Why the backend cannot run here, for the message {@code Poll.open} gives when none can.
     *
     * @return why {@link #isSupported()} is false; null when it is supported
     */
    default String unsupportedReason() {
        return isSupported() ? null : "not available on " + Platform.describe();
    }

    /**
     * The rank among supported backends; {@code Poll.open()} takes the highest when none is named.
     *
     * @return the rank
     */
    int priority();

    /**
     * Opens a new OS queue for one {@code Poll}.
     *
     * @return a new selector: one per {@code Poll}
     * @throws IOException if the OS refuses, as a {@code NativeException} where it can say why
     */
    Selector open() throws IOException;
}
