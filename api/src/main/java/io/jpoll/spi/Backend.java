package io.jpoll.spi;

import java.io.IOException;

/**
 * A readiness mechanism of one OS family, found through {@link java.util.ServiceLoader}.
 * {@code Poll.open()} asks every backend on the class or module path whether it
 * {@linkplain #isSupported() runs here} and takes the supported one with the highest
 * {@linkplain #priority() priority}.
 */
public interface Backend {
    /** @return a short lower-case name: {@code epoll}, {@code kqueue}, {@code iocp} */
    String name();

    /** @return whether this backend can run on this OS and architecture, with its native library loadable */
    boolean isSupported();

    /** @return why {@link #isSupported()} is false, for error messages; null when it is supported */
    default String unsupportedReason() {
        return isSupported() ? null : "not available on " + Platform.describe();
    }

    /** @return the rank among supported backends; the highest is chosen when none is named */
    int priority();

    /**
     * @return a new selector: one per {@code Poll}
     * @throws IOException if the OS refuses, as a {@code NativeException} where it can say why
     */
    Selector open() throws IOException;
}
