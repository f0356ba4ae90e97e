package io.jpoll.kqueue;

import io.jpoll.spi.EventSink;
import io.jpoll.spi.WakerHandle;

import java.io.IOException;

/**
 * How a selector's pollers are woken: by wakers, by the close signal, and by the selector itself
 * when {@link ClosedWrites} has news. Chosen once, before the selector is built
 * ({@link WakeupChoice}): {@link UserFilterWakeup} where the kernel gives EVFILT_USER knotes,
 * {@link PipeWakeup} where it does not or must not be used.
 *
 * <p>Whatever the close signal needs from the kernel is set up when the implementation is made, so
 * {@link #interrupt()} asks for nothing new.
 */
interface Wakeup {
    /**
     * Makes a waker whose wake makes a poll report {@code token} as readable.
     *
     * @throws IOException if the kernel refuses what the waker needs
     */
    WakerHandle newWaker(long token) throws IOException;

    /**
     * Wakes every poller, so a waiting one reports {@link ClosedWrites}' news. Called under the
     * registrations' lock.
     *
     * @throws IOException if no poller can be woken
     */
    void kick() throws IOException;

    /** Makes every poller, now or later, return at once; the selector is closing. Never throws. */
    void interrupt();

    /**
     * After a poll decoded a record of the wake pipe ({@link EventDecoder#WAKE_PIPE}): drains the
     * pipe and reports the wakers woken through it that fit into {@code sink}.
     */
    void collect(EventSink sink);

    /**
     * Releases the knotes and descriptors, once no thread uses them, before the kqueue is closed.
     */
    void close();
}
