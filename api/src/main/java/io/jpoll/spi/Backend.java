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
     * @throws IOException           if the OS refuses, as a {@code NativeException} where it can say why
     * @throws IllegalStateException if the backend cannot run here: {@link #unsupportedHere()}
     */
    Selector open() throws IOException;

    /**
     * The exception {@link #open()} throws where this backend cannot run, so that it has the same
     * type and message shape in every backend, like {@code Backend.open: the iocp backend cannot run
     * here: the iocp backend needs Windows; this is Linux 6.1 (amd64)}. {@code Poll.open} never gets
     * there: it opens only supported backends.
     *
     * @return an exception naming the backend and {@link #unsupportedReason()}, for the caller to throw
     */
    default IllegalStateException unsupportedHere() {
        return new IllegalStateException("Backend.open: the " + name() + " backend cannot run here: "
                + unsupportedReason());
    }
}
