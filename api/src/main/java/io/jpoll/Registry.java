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
 *
 * <p><b>Memory visibility.</b> Actions of a thread before {@link #register} or {@link #reregister}
 * <i>happen-before</i> (in the sense of the Java memory model) the actions of the thread whose
 * {@link Poll#poll} returns an event of that registration armed by that call, after that poll
 * returns. So with {@link Trigger#ONESHOT} a connection's state can be handed from thread to
 * thread in plain fields: write it, then re-arm; the poller that receives the next event sees it,
 * with no lock of its own. (The same holds for {@link Waker#wake()} and the poll that reports the
 * wake.) The state must not be written after the re-arm: from then on the next event can be on
 * another thread already.
 *
 * <p><b>A channel closed during a call.</b> The moment the JDK closes a channel, the OS may give
 * its descriptor number to the next file opened, and jpoll cannot hold a close back: the JDK
 * closes under the channel's own lock. So each call made with a channel's {@link Source} checks
 * the channel before and again after the OS call. If it was closed meanwhile, {@link #register}
 * removes the registration it made (which may have been for the number's new file) and throws
 * {@link ClosedChannelException}; {@link #reregister} and {@link #deregister} throw it too. What
 * remains: in that window the OS call may already have acted on the new file, if another thread
 * registered it with this Poll under the same number; a reregister may then have changed its
 * token and interests, a deregister removed it, and while a register undoes its registration, a
 * register of the new file can fail with {@link AlreadyRegisteredException}. The exception is the
 * sign that this may have happened; only the JDK could rule it out. Where that matters, do not
 * close a channel while another thread is inside a call with it: deregister it first, or close
 * it from the thread that registers it.
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
     * @throws ClosedChannelException        if the source's channel was closed, before or during the
     *                                       call; a registration made during the call is removed
     *                                       again (see the class comment)
     * @throws UnsupportedOperationException if the backend refuses the interests: a trigger it does
     *                                       not offer, or what it cannot watch (kqueue: PRIORITY alone)
     * @throws NativeException               if the OS refuses (a regular file, a closed fd, ...)
     * @throws IllegalArgumentException      if a {@linkplain Source#process process} is asked for
     *                                       more than READABLE
     */
    public void register(Source source, long token, Interests interests) throws IOException {
        check("Registry.register", source, token, interests);
        Gate gate = poll.gate();
        // Entering before the OS call is also the release half of the happens-before edge to the
        // thread that polls the event (see Gate).
        if (!gate.enter()) {
            throw new ClosedPollException("Registry.register");
        }
        try {
            try {
                if (source.process() != null) {
                    selector.registerProcess(source.process(), token, interests);
                } else {
                    selector.register(source.handle(), token, interests);
                }
            } catch (IOException e) {
                throw closedMeanwhile("Registry.register", source, "registered", e);
            }
            if (isClosed(source)) {
                undo(source);
            }
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
     * @throws ClosedChannelException if the source's channel was closed, before or during the call
     *                                (see the class comment)
     * @throws NativeException        if the OS refuses
     * @throws IOException            for another failure of the backend
     * @throws NotRegisteredException if the source is not registered with this Poll
     * @throws UnsupportedOperationException if the backend refuses the interests, as {@link #register} says
     * @throws IllegalArgumentException if a {@linkplain Source#process process} is asked for more than READABLE
     */
    public void reregister(Source source, long token, Interests interests) throws IOException {
        check("Registry.reregister", source, token, interests);
        Gate gate = poll.gate();
        // The release half of the happens-before edge to the next event's poller (see Gate).
        if (!gate.enter()) {
            throw new ClosedPollException("Registry.reregister");
        }
        try {
            try {
                if (source.process() != null) {
                    selector.reregisterProcess(source.process(), token, interests);
                } else {
                    selector.reregister(source.handle(), token, interests);
                }
            } catch (IOException e) {
                throw closedMeanwhile("Registry.reregister", source, "reregistered", e);
            }
            if (isClosed(source)) {
                throw new ClosedSourceException("Registry.reregister " + source
                        + ": the channel was closed while it was being reregistered; if its number was reused"
                        + " meanwhile, the registration changed may have been the new file's");
            }
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
     * @throws ClosedChannelException if the source's channel was closed, before or during the call:
     *                                the OS dropped its registration then, and its fd number may
     *                                belong to another source by now, whose registration this must
     *                                not remove (see the class comment)
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
            try {
                if (source.process() != null) {
                    selector.deregisterProcess(source.process());
                } else {
                    selector.deregister(source.handle());
                }
            } catch (IOException e) {
                throw closedMeanwhile("Registry.deregister", source, "deregistered", e);
            }
            if (isClosed(source)) {
                throw new ClosedSourceException("Registry.deregister " + source
                        + ": the channel was closed while it was being deregistered; if its number was reused"
                        + " meanwhile, the registration removed may have been the new file's");
            }
        } finally {
            gate.exit();
        }
    }

    private void check(String operation, Source source, long token, Interests interests) throws ClosedChannelException {
        if (source == null) {
            throw new NullPointerException(operation + ": source is null");
        }
        if (interests == null) {
            throw new NullPointerException(operation + ": interests is null");
        }
        String refusal = selector.refusal(interests);
        if (refusal == null && !selector.supports(interests.trigger())) {
            // A backend whose refusal forgot its own triggers: refuse anyway, with less to say.
            refusal = interests.trigger() + " is not offered by this backend";
        }
        if (refusal != null) {
            throw new UnsupportedOperationException(operation + " " + source + " token=" + token + ": the "
                    + poll.backend() + " backend refuses " + interests + ": " + refusal);
        }
        if (source.process() != null && (interests.isWritable() || interests.isPriority())) {
            throw new IllegalArgumentException(operation + " " + source + ": a process can only be watched"
                    + " READABLE (for its exit), not " + interests);
        }
        checkOpen(operation, source);
    }

    /**
     * Removes what register just added for a channel that was closed meanwhile: the number's next
     * owner, or the closed file's own registration, which the OS may have dropped already.
     */
    private void undo(Source source) throws ClosedChannelException {
        ClosedSourceException closed = new ClosedSourceException("Registry.register " + source
                + ": the channel was closed while it was being registered; the registration was removed again");
        try {
            selector.deregister(source.handle());
        } catch (NotRegisteredException dropped) {
            // The OS dropped it when the file closed: nothing left to undo.
        } catch (IOException e) {
            closed.addSuppressed(e);
        }
        throw closed;
    }

    /**
     * The exception for an OS call that failed: when the source's channel was closed meanwhile,
     * the failure is about whatever the number meant by then, so the close is what to report.
     */
    private static IOException closedMeanwhile(String operation, Source source, String done, IOException e) {
        if (!isClosed(source)) {
            return e;
        }
        ClosedSourceException closed = new ClosedSourceException(operation + " " + source
                + ": the channel was closed while it was being " + done);
        closed.addSuppressed(e);
        return closed;
    }

    private static boolean isClosed(Source source) {
        SelectableChannel channel = source.channel();
        return channel != null && !channel.isOpen();
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
