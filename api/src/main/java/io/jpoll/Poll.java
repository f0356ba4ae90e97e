package io.jpoll;

import io.jpoll.spi.Backend;
import io.jpoll.spi.EventSink;
import io.jpoll.spi.Selector;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

/**
 * A readiness event queue over the OS's own: epoll on Linux, kqueue on macOS and the BSDs, IOCP
 * (AFD polling) on Windows.
 *
 * <pre>{@code
 * try (Poll poll = Poll.open()) {
 *     poll.registry().register(Source.of(channel), 1, Interests.READABLE);
 *     Events events = new Events(256);
 *     poll.poll(events, Duration.ofSeconds(1));
 *     for (int i = 0; i < events.size(); i++) { ... events.token(i) ... }
 * }
 * }</pre>
 *
 * <p>Thread-safe. Several threads may poll at once, each with its own {@link Events}; with
 * {@link Trigger#ONESHOT} each readiness reaches exactly one of them.
 *
 * <p>Memory visibility: actions of a thread before {@link Registry#register},
 * {@link Registry#reregister} or {@link Waker#wake()} <i>happen-before</i> the actions of the
 * thread whose {@link #poll} returns an event armed (or a wake made) by that call, after that poll
 * returns. A ONESHOT hand-off between pollers needs no lock of its own; see {@link Registry}.
 */
public final class Poll implements AutoCloseable {
    private final String backend;
    private final Selector selector;
    private final Registry registry;
    private final Gate gate = new Gate();
    /** The wakers and timers not closed yet, which close releases. */
    private final Set<PollOwned> owned = ConcurrentHashMap.newKeySet();
    private final CountDownLatch released = new CountDownLatch(1);
    /** Null where the backend cannot wake a blocked poller on Thread.interrupt(). */
    private final InterruptibleWait interruptibleWait;

    private Poll(String backend, Selector selector) {
        this.backend = backend;
        this.selector = selector;
        this.registry = new Registry(this, selector);
        this.interruptibleWait = selector.wakesOnInterrupt() ? new InterruptibleWait(selector, gate) : null;
    }

    /**
     * Opens a Poll on the best backend for this OS, or on the one named by the system property
     * {@code jpoll.backend}.
     *
     * @return a new Poll; close it when done
     * @throws IllegalArgumentException if {@code jpoll.backend} names an unknown or unsupported backend
     * @throws IllegalStateException    if no backend on the class path supports this OS
     * @throws NativeException          if the OS refuses (for example EMFILE)
     * @throws IOException              if the backend cannot open for another reason
     */
    public static Poll open() throws IOException {
        return open(Backends.choose(null));
    }

    /**
     * Opens a Poll on the named backend: {@code epoll}, {@code kqueue} or {@code iocp}.
     *
     * @param backend the backend's name
     * @return a new Poll; close it when done
     * @throws NativeException          if the OS refuses (for example EMFILE)
     * @throws IOException              if the backend cannot open for another reason
     * @throws IllegalArgumentException if the backend is unknown or not supported here; the message
     *                                  lists the backends available here
     */
    public static Poll open(String backend) throws IOException {
        Objects.requireNonNull(backend, "Poll.open: backend is null");
        return open(Backends.choose(backend));
    }

    private static Poll open(Backend backend) throws IOException {
        return new Poll(backend.name(), backend.open());
    }

    /**
     * The backend this Poll runs on, as {@code Poll.open(String)} and {@code -Djpoll.backend} name it.
     *
     * @return {@code epoll}, {@code kqueue} or {@code iocp}
     */
    public String backend() {
        return backend;
    }

    /**
     * The registry that adds, changes and removes this Poll's sources, from any thread, also while
     * others poll.
     *
     * @return the registry; the same object every time
     */
    public Registry registry() {
        return registry;
    }

    /**
     * Whether this Poll's backend honours a trigger; registering with one it does not fails.
     *
     * @param trigger a trigger
     * @return whether registrations with this trigger are honoured by this Poll's backend
     */
    public boolean supports(Trigger trigger) {
        return selector.supports(Objects.requireNonNull(trigger, "Poll.supports: trigger is null"));
    }

    /**
     * Whether the Poll is still open.
     *
     * @return false once {@link #close()} has started
     */
    public boolean isOpen() {
        return !gate.isClosed();
    }

    /**
     * Waits for readiness and fills {@code events} with at most {@code events.capacity()} events;
     * the rest come with the next call.
     *
     * <p>Interrupts: a poll by a thread whose interrupt status is set does not block. It returns
     * at once what is ready, like a poll with {@link Duration#ZERO}, and the status stays set. On
     * the epoll backend an interrupt of a thread already blocked here also ends its wait
     * promptly, as {@link java.nio.channels.Selector#select()} does, with the status set; other
     * threads polling the same Poll may wake inside and wait on with the time they have left, but
     * do not return. On the kqueue and IOCP backends such an interrupt is noticed when the wait
     * ends (an event, the timeout, or {@link #close()}); give a poll a timeout where a thread must
     * stop in bounded time. Neither needs a JVM flag: the wake goes through the public
     * {@link java.nio.channels.spi.AbstractSelector} interrupt hook.
     *
     * @param events  cleared first, then filled
     * @param timeout the longest wait: null waits until an event, {@link Duration#ZERO} does not
     *                block; sub-millisecond parts round up on OSes that count milliseconds, and
     *                durations past the OS maximum wait forever
     * @return {@code events.size()}; 0 only when the timeout ran out, the Poll was closed, or the
     *         calling thread is interrupted
     * @throws ClosedPollException      if the Poll is closed
     * @throws IllegalArgumentException if the timeout is negative
     */
    public int poll(Events events, Duration timeout) throws IOException {
        Objects.requireNonNull(events, "Poll.poll: events is null");
        long nanos = toNanos(timeout);
        EventSink sink = events.acquire();
        try {
            if (!gate.enter()) {
                throw new ClosedPollException("Poll.poll");
            }
            try {
                // Leaving the gate after the wait is the acquire half of the happens-before edge
                // from the thread that armed what this poll returns (see Gate).
                if (nanos == 0 || Thread.currentThread().isInterrupted()) {
                    selector.select(sink, 0);
                } else if (interruptibleWait == null) {
                    selector.select(sink, nanos);
                } else {
                    interruptibleWait.select(events.interruptHook(), sink, nanos);
                }
            } finally {
                gate.exit();
            }
            return sink.size();
        } finally {
            events.release();
        }
    }

    /**
     * A new waker whose {@link Waker#wake()} makes a poll report {@code token} as readable. Any
     * number of wakers may exist per Poll.
     *
     * @param token the token of the wake events; any value, also one a registration uses
     * @return a new waker; close it when done, or let {@link #close()} release it
     * @throws ClosedPollException if the Poll is closed
     * @throws NativeException     if the OS refuses (for example EMFILE)
     * @throws IOException         for another failure of the backend
     */
    public Waker waker(long token) throws IOException {
        if (!gate.enter()) {
            throw new ClosedPollException("Poll.waker");
        }
        try {
            Waker waker = new Waker(this, token, selector.newWaker(token));
            owned.add(waker);
            return waker;
        } finally {
            gate.exit();
        }
    }

    /**
     * A new timer, disarmed, whose expiries make a poll report {@code token} as readable, with
     * {@link Events#expirations(int)} counting them. Any number of timers may exist per Poll,
     * and none costs a thread.
     *
     * @param token the token of the timer's events; any value
     * @return a new timer; close it when done, or let {@link #close()} release it
     * @throws ClosedPollException if the Poll is closed
     * @throws NativeException     if the OS refuses (for example EMFILE)
     * @throws IOException         for another failure of the backend
     */
    public Timer timer(long token) throws IOException {
        if (!gate.enter()) {
            throw new ClosedPollException("Poll.timer");
        }
        try {
            Timer timer = new Timer(this, token, selector.newTimer(token));
            owned.add(timer);
            return timer;
        } finally {
            gate.exit();
        }
    }

    /**
     * The descriptor of the OS queue itself, for nesting this Poll in another event loop: register
     * it, readable, with an outer Poll ({@code Source.fd(...)}) or a foreign loop (GLib, a
     * language runtime's epoll). It is readable while a poll of this Poll would return events;
     * poll this Poll to take them. This Poll owns the descriptor: do not close it, and deregister
     * it from the outer loop before closing this Poll.
     *
     * <p>The epoll fd on Linux and the kqueue fd on macOS and the BSDs. While a thread is
     * interrupted in a poll of this Poll (see {@link #poll}), the descriptor may be readable
     * without an event. IOCP has no pollable descriptor: on Windows this is empty. So is it over
     * libkqueue (the kqueue emulation some Linux systems use), whose kqueue descriptor never
     * becomes readable.
     *
     * @return the descriptor, or empty where the OS has none
     * @throws ClosedPollException if the Poll is closed
     */
    public OptionalInt descriptor() throws ClosedPollException {
        if (!gate.enter()) {
            throw new ClosedPollException("Poll.descriptor");
        }
        try {
            return selector.descriptor();
        } finally {
            gate.exit();
        }
    }

    /**
     * Closes the Poll: threads blocked in {@link #poll} return promptly and normally, later calls
     * throw {@link ClosedPollException}, and the OS queue, every waker and every timer are
     * released once no thread can use them any more. Idempotent and thread-safe; every caller
     * returns after the release.
     *
     * <p>A backend that fails a step (a bug: the SPI forbids it for {@code interrupt}) does not
     * stop the others: every waker and the OS queue are still released, and the first failure is
     * thrown afterwards with the later ones suppressed.
     *
     * @throws RuntimeException what the backend threw, after everything was released
     */
    @Override
    public void close() {
        if (!gate.close()) {
            awaitReleased();
            return;
        }
        RuntimeException failure = null;
        try {
            try {
                selector.interrupt();
            } catch (RuntimeException e) {
                // Pollers with a timeout still leave; the gate logs any that stay.
                failure = e;
            }
            if (interruptibleWait != null) {
                interruptibleWait.close();
            }
            gate.awaitEmpty(toString());
            for (PollOwned o : owned) {
                try {
                    o.release();
                } catch (RuntimeException e) {
                    failure = firstOf(failure, e);
                }
            }
            owned.clear();
            try {
                selector.close();
            } catch (RuntimeException e) {
                failure = firstOf(failure, e);
            }
        } finally {
            released.countDown();
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static RuntimeException firstOf(RuntimeException first, RuntimeException next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }

    @Override
    public String toString() {
        return "Poll{" + backend + (isOpen() ? "" : ", closed") + "}";
    }

    Gate gate() {
        return gate;
    }

    void forget(PollOwned o) {
        owned.remove(o);
    }

    private void awaitReleased() {
        boolean interrupted = false;
        while (true) {
            try {
                released.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    static long toNanos(Duration timeout) {
        if (timeout == null) {
            return -1;
        }
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("Poll.poll: timeout must not be negative, was " + timeout);
        }
        try {
            return timeout.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }
}
