package io.jpoll;

import io.jpoll.spi.WakerHandle;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Makes a {@link Poll#poll} return, from any thread: the poll reports an event with this waker's
 * token, readable. Several wakes before the next poll may merge into one event.
 *
 * <p>A wake is kept until a poll reports it, so it can surface later than you expect: a wake
 * that lands while no poll is waiting, or just after a poll returned because its timeout ran out
 * (or because of other events), stays pending and is reported by the next poll, which then
 * returns at once. A program that races a wake against a timeout must be ready to see the wake's
 * event on the poll after the one that timed out.
 *
 * <p>After {@link #close()}, or after its Poll closed, {@link #wake()} does nothing; it never
 * touches a descriptor whose number the OS may have handed out again.
 *
 * <p>Actions of a thread before {@link #wake()} happen-before the actions of the thread whose poll
 * reports that wake, after that poll returns (see {@link Registry}).
 */
public final class Waker extends PollOwned {
    private final WakerHandle handle;

    Waker(Poll poll, long token, WakerHandle handle) {
        super(poll, token);
        this.handle = handle;
    }

    /**
     * Wakes one poll of this waker's Poll.
     *
     * @throws UncheckedIOException if the OS refuses
     */
    public void wake() {
        if (!enter()) {
            return;
        }
        try {
            handle.wake();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            exit();
        }
    }

    @Override
    void closeHandle() {
        handle.close();
    }

    @Override
    public String toString() {
        return "Waker{token=" + token() + (isReleased() ? ", closed" : "") + "}";
    }
}
