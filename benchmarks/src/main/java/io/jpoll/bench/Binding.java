package io.jpoll.bench;

import io.jpoll.spi.Backend;

import java.util.ServiceLoader;

/**
 * Puts the epoll backend of this JVM on one native binding, {@code ffm} or {@code jna}, so that
 * jpoll-FFM and jpoll-JNA are measured side by side in one run: JMH gives every parameter value
 * its own fork, and the backend chooses its binding once per JVM, on the first {@code Poll.open}.
 * Setting {@code jpoll.native} before that is what {@code -Djpoll.native} on the fork would do.
 *
 * <p>The backend silently falls back to JNA when FFM cannot be used; a benchmark labelled FFM
 * that measured JNA would be a lie, so {@link #use} fails unless the backend reports the binding
 * asked for.
 */
public final class Binding {
    private static final String PROPERTY = "jpoll.native";

    private Binding() {
    }

    /**
     * Chooses {@code binding} for this JVM and checks that the epoll backend took it.
     *
     * @throws IllegalStateException when the backend runs on another binding (the JDK has no FFM,
     *                               or an earlier {@code Poll.open} chose already)
     */
    public static void use(String binding) {
        if (!binding.equals("ffm") && !binding.equals("jna")) {
            throw new IllegalArgumentException("binding must be ffm or jna, not '" + binding + "'");
        }
        System.setProperty(PROPERTY, binding);
        String inUse = describe();
        // EpollBackend.toString(): "epoll (native binding: ffm)" or "epoll (native binding: jna (forced ...))".
        if (!inUse.startsWith("epoll (native binding: " + binding)) {
            throw new IllegalStateException("asked for the " + binding + " binding, but the backend runs " + inUse);
        }
    }

    /** The epoll backend's own account of its binding, as {@code doctor} prints it. */
    public static String describe() {
        for (Backend b : ServiceLoader.load(Backend.class)) {
            if (b.name().equals("epoll")) {
                return b.toString();
            }
        }
        throw new IllegalStateException("no epoll backend on the class path");
    }
}
