package io.jpoll.spi;

import java.io.IOException;

/**
 * A readiness mechanism of one OS family, found through {@link java.util.ServiceLoader}.
 * {@code Poll.open()} asks every backend on the class or module path whether it
 * {@linkplain #isSupported() runs here} and takes the supported one with the highest
 * {@linkplain #priority() priority}.
 */
public interface Backend {
    /** A short lower-case name: {@code epoll}, {@code kqueue}, {@code iocp}. */
    String name();

    /** Whether this backend can run on this OS and architecture, with its native library loadable. */
    boolean isSupported();

    /** Why {@link #isSupported()} is false, for error messages; null when it is supported. */
    default String unsupportedReason() {
        return isSupported() ? null : "not available on " + Platform.describe();
    }

    /** Among supported backends the highest priority is chosen when none is named. */
    int priority();

    /** A new selector: one per {@code Poll}. */
    Selector open() throws IOException;
}
