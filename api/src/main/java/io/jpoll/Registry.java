package io.jpoll;

import io.jpoll.spi.Selector;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.util.Objects;

/**
 * Adds, changes and removes the sources a {@link Poll} watches. Thread-safe: any thread may call it,
 * also while other threads poll.
 *
 * <p>Every {@code long} is a valid token, all 64 bits of it; jpoll reserves none.
 */
public final class Registry {
    private final Poll poll;
    private final Selector selector;

    Registry(Poll poll, Selector selector) {
        this.poll = poll;
        this.selector = selector;
    }

    /**
     * Starts watching {@code source}. Readiness that already exists is reported by the next poll.
     *
     * @param source    what to watch
     * @param token     what its events carry; any value, all 64 bits
     * @param interests the readiness kinds and the trigger
     * @throws IOException                   for another failure of the backend
     * @throws AlreadyRegisteredException    if the source is registered with this Poll already
     * @throws ClosedPollException           if the Poll is closed
     * @throws ClosedChannelException        if the source's channel was closed
     * @throws UnsupportedOperationException if the backend does not offer the trigger
     * @throws NativeException               if the OS refuses (a regular file, a closed fd, ...)
     */
    public void register(Source source, long token, Interests interests) throws IOException {
        check("Registry.register", source, interests);
        Gate gate = poll.gate();
        if (!gate.enter()) {
            throw new ClosedPollException("Registry.register");
        }
        try {
            selector.register(source.handle(), token, interests);
        } finally {
            gate.exit();
        }
    }

    /**
     * Replaces the token and interests of a registration and re-arms it (a disarmed ONESHOT
     * registration becomes live again).
     *
     * @param source    a registered source
     * @param token     what its events carry from now on
     * @param interests the readiness kinds and the trigger from now on
     * @throws ClosedPollException    if the Poll is closed
     * @throws ClosedChannelException if the source's channel was closed
     * @throws NativeException        if the OS refuses
     * @throws IOException            for another failure of the backend
     * @throws NotRegisteredException if the source is not registered with this Poll
     */
    public void reregister(Source source, long token, Interests interests) throws IOException {
        check("Registry.reregister", source, interests);
        Gate gate = poll.gate();
        if (!gate.enter()) {
            throw new ClosedPollException("Registry.reregister");
        }
        try {
            selector.reregister(source.handle(), token, interests);
        } finally {
            gate.exit();
        }
    }

    /**
     * Stops watching {@code source}. No poll that starts after this returns reports the
     * registration, even for readiness the OS had queued already.
     *
     * @param source a registered source
     * @throws ClosedPollException    if the Poll is closed
     * @throws ClosedChannelException if the source's channel was closed: the OS dropped its
     *                                registration then, and its fd number may belong to another
     *                                source by now, whose registration this must not remove
     * @throws NativeException        if the OS refuses
     * @throws IOException            for another failure of the backend
     * @throws NotRegisteredException if the source is not registered with this Poll
     */
    public void deregister(Source source) throws IOException {
        Objects.requireNonNull(source, "Registry.deregister: source is null");
        checkOpen("Registry.deregister", source);
        Gate gate = poll.gate();
        if (!gate.enter()) {
            throw new ClosedPollException("Registry.deregister");
        }
        try {
            selector.deregister(source.handle());
        } finally {
            gate.exit();
        }
    }

    private void check(String operation, Source source, Interests interests) throws ClosedChannelException {
        if (source == null) {
            throw new NullPointerException(operation + ": source is null");
        }
        if (interests == null) {
            throw new NullPointerException(operation + ": interests is null");
        }
        if (!selector.supports(interests.trigger())) {
            throw new UnsupportedOperationException(operation + " " + source + ": the " + poll.backend()
                    + " backend does not support " + interests.trigger() + ": "
                    + selector.unsupportedReason(interests.trigger()));
        }
        checkOpen(operation, source);
    }

    /** A closed channel's fd number may already belong to another file: never pass it on. */
    private static void checkOpen(String operation, Source source) throws ClosedChannelException {
        SelectableChannel channel = source.channel();
        if (channel != null && !channel.isOpen()) {
            throw new ClosedSourceException(operation + " " + source + ": the channel is closed");
        }
    }

    /** A {@link ClosedChannelException} that says which operation and source. */
    private static final class ClosedSourceException extends ClosedChannelException {
        private static final long serialVersionUID = 1L;
        private final String message;

        ClosedSourceException(String message) {
            this.message = message;
        }

        @Override
        public String getMessage() {
            return message;
        }
    }
}
