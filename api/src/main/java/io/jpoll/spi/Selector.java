package io.jpoll.spi;

import io.jpoll.Interests;
import io.jpoll.Trigger;

import java.io.IOException;
import java.util.OptionalInt;

/**
 * One OS queue behind one {@code Poll}.
 *
 * <p>The API layer checks every argument (nulls, ranges, supported trigger) and tracks which
 * threads are inside the selector, so an implementation can rely on this:
 * <ul>
 *   <li>{@link #register}, {@link #reregister}, {@link #deregister}, {@link #select} and
 *       {@link #newWaker} may run concurrently from any threads, but never after {@link #close()}
 *       has started;</li>
 *   <li>{@link #interrupt()} is called once, when the Poll starts closing, while other threads may
 *       still be inside {@link #select};</li>
 *   <li>{@link #raiseNudge()} and {@link #clearNudge()} are called only if {@link #wakesOnInterrupt()}
 *       is true, one at a time, alternately (raise first), and only while a thread is inside
 *       {@link #select} or about to enter or leave it, so never after {@link #close()} started;</li>
 *   <li>{@link #close()} is called exactly once, after every other call has returned, and after the
 *       handles of every waker were closed.</li>
 * </ul>
 */
public interface Selector {
    /**
     * Whether this selector honours a trigger; the API refuses registrations with one it does not.
     *
     * @param trigger a trigger
     * @return whether registrations with this trigger are honoured
     */
    boolean supports(Trigger trigger);

    /**
     * Why this selector refuses a registration with these interests, or null when it takes them.
     * The API asks before every register and reregister, before the OS call, and turns a refusal
     * into an {@link UnsupportedOperationException} shaped like
     * {@code Registry.register fd 7 token=3: the kqueue backend refuses PRIORITY (ONESHOT): <refusal>}.
     * So a backend states what it cannot do here, once, and never throws it from {@link #register}.
     *
     * <p>The default refuses exactly the triggers {@link #supports} refuses. An override must refuse
     * those too (the API checks {@link #supports} as well, with a reason that says less).
     *
     * @param interests interests a user asked for
     * @return null to accept; otherwise why not, as a sentence that also says what to do instead
     */
    default String refusal(Interests interests) {
        Trigger trigger = interests.trigger();
        return supports(trigger) ? null : trigger + " is not offered by this backend";
    }

    /**
     * Adds a registration.
     *
     * @param handle    the fd or SOCKET
     * @param token     what its events carry
     * @param interests readiness kinds and trigger, ones the selector does not {@linkplain #refusal refuse}
     * @throws io.jpoll.AlreadyRegisteredException if the handle is registered already
     * @throws io.jpoll.NativeException            if the OS refuses
     * @throws IOException                         for any other failure
     */
    void register(long handle, long token, Interests interests) throws IOException;

    /**
     * Replaces the token and interests of a registration and re-arms it.
     *
     * @param handle    the fd or SOCKET
     * @param token     what its events carry from now on
     * @param interests readiness kinds and trigger from now on
     * @throws io.jpoll.NotRegisteredException if the handle is not registered
     * @throws IOException                     if the OS refuses
     */
    void reregister(long handle, long token, Interests interests) throws IOException;

    /**
     * Removes a registration. No select that starts after this returns may report it.
     *
     * @param handle the fd or SOCKET
     * @throws io.jpoll.NotRegisteredException if the handle is not registered
     * @throws IOException                     if the OS refuses
     */
    void deregister(long handle) throws IOException;

    /**
     * Waits for events and appends at most {@code sink.remaining()} of them to the sink.
     * Returns when at least one event was appended, when the timeout ran out, promptly after
     * {@link #interrupt()}, and promptly, possibly with no event, while the nudge is raised. A
     * signal never surfaces; the wait goes on with the time that is left.
     *
     * @param sink         where the events go, cleared by the caller
     * @param timeoutNanos negative: no timeout; 0: do not block; otherwise the longest wait,
     *                     where values beyond the OS maximum mean no timeout
     * @throws IOException if the OS fails the wait
     */
    void select(EventSink sink, long timeoutNanos) throws IOException;

    /**
     * Makes a waker for this queue.
     *
     * @param token the token of the wake events
     * @return a new waker whose wake makes a select report {@code token} as readable
     * @throws IOException if the OS refuses
     */
    WakerHandle newWaker(long token) throws IOException;

    /**
     * Makes a timer owned by this queue. Its expiries are events with {@code token}, readable,
     * with a count (see {@link TimerHandle}). Under the same guarantees as {@link #newWaker}.
     *
     * @param token the token of the timer's events
     * @return a new, disarmed timer
     * @throws IOException                   if the OS refuses
     * @throws UnsupportedOperationException if the backend offers no timers (the default)
     */
    default TimerHandle newTimer(long token) throws IOException {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " offers no timers");
    }

    /**
     * Starts watching a process for its exit: the process's event is readable once it has exited.
     * The backend opens and owns whatever OS handle it needs (a pidfd, a process handle) and
     * releases it on {@link #deregisterProcess} or {@link #close()}. It must never watch another
     * process that took the same pid: where the pid could have been reused before its handle was
     * opened (the process exited and was reaped), it checks {@code process} afterwards
     * ({@link ProcessHandle#isAlive()} compares the start time) and then reports the exit as
     * having happened, instead of watching the handle it opened.
     *
     * @param process   the process, not the current one (the API layer checks)
     * @param token     what its event carries
     * @param interests READABLE, with a trigger the selector {@link #supports}
     * @throws io.jpoll.AlreadyRegisteredException if the process is registered already
     * @throws io.jpoll.NativeException            if the OS refuses (on Linux without
     *                                             {@code pidfd_open}, ENOSYS, naming Linux 5.3)
     * @throws IOException                         for any other failure
     * @throws UnsupportedOperationException       if the backend cannot watch processes (the default)
     */
    default void registerProcess(ProcessHandle process, long token, Interests interests) throws IOException {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot watch processes");
    }

    /**
     * Replaces the token and interests of a process registration and re-arms it.
     *
     * @param process   a registered process
     * @param token     what its event carries from now on
     * @param interests READABLE, with a supported trigger
     * @throws io.jpoll.NotRegisteredException if the process is not registered
     * @throws IOException                     if the OS refuses
     */
    default void reregisterProcess(ProcessHandle process, long token, Interests interests) throws IOException {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot watch processes");
    }

    /**
     * Stops watching a process and releases the handle opened for it. No select that starts after
     * this returns reports its exit.
     *
     * @param process a registered process
     * @throws io.jpoll.NotRegisteredException if the process is not registered
     * @throws IOException                     if the OS refuses
     */
    default void deregisterProcess(ProcessHandle process) throws IOException {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot watch processes");
    }

    /**
     * The queue's own descriptor, where the OS has one that is itself pollable (the epoll or kqueue
     * fd): readable while a select would report events, so the queue can be nested in another. The
     * selector keeps owning it.
     *
     * @return the descriptor, or empty where the OS has none (IOCP, and the default)
     */
    default OptionalInt descriptor() {
        return OptionalInt.empty();
    }

    /**
     * Makes every thread now or later in {@link #select} return promptly. Called once, at close.
     *
     * <p>Never throws: a failure to signal is logged by the backend, and pollers with a timeout
     * still return. The Poll goes on closing either way (it defends against a backend that throws
     * anyway, releasing every waker and the selector before it rethrows), so an exception here
     * could only hide the close's real outcome. Whatever the OS must accept for the signal is set
     * up when the selector is made, so that running out of resources fails {@code open}, not this.
     */
    void interrupt();

    /**
     * Whether this selector offers {@link #raiseNudge()} and {@link #clearNudge()}, with which the
     * API makes {@code Thread.interrupt()} wake a thread blocked in {@link #select}. Without them
     * a poll by an interrupted thread still never blocks, but an interrupt does not end a wait
     * already under way.
     *
     * @return false unless the selector overrides the nudge methods
     */
    default boolean wakesOnInterrupt() {
        return false;
    }

    /**
     * Raises the nudge: until {@link #clearNudge()}, every {@link #select}, blocked now or called
     * later, returns promptly, with whatever events it has, possibly none, and no event of the
     * nudge's own. The API raises it when a polling thread is interrupted, on the interrupting
     * thread (which may hold that thread's interrupt lock), and clears it once every interrupted
     * poller has left its wait; other pollers take the wake as spurious and wait on. Must not
     * block or throw; if the nudge cannot be raised, report it (a log line) and return.
     */
    default void raiseNudge() {
    }

    /** Clears the nudge that {@link #raiseNudge()} raised, so that a select waits again. */
    default void clearNudge() {
    }

    /** Releases the OS queue and every native buffer. Called exactly once. */
    void close();
}
