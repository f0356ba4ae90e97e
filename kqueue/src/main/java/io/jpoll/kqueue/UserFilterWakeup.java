package io.jpoll.kqueue;

import io.jpoll.spi.EventSink;
import io.jpoll.spi.WakerHandle;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Waking through EVFILT_USER knotes: one for the close signal ({@link EventDecoder#INTERRUPT_IDENT}),
 * added at open; one for {@link #kick()} ({@link EventDecoder#KICK_IDENT}), added on first need;
 * one per waker, ident counted from {@link EventDecoder#FIRST_WAKER_IDENT}, udata the waker's
 * token. Where the kernel refuses more of them (OpenBSD's per-process cap), later wakers and kicks
 * go through a {@link WakePipe} made on first need.
 */
final class UserFilterWakeup implements Wakeup {
    private final Changes changes;
    private final KqueueProfile profile;
    private final KqueueConstants c;
    private final AtomicLong nextWakerId = new AtomicLong(EventDecoder.FIRST_WAKER_IDENT);
    /** Whether the {@link EventDecoder#KICK_IDENT} knote exists; under the registrations' lock. */
    private boolean kickAdded;
    /** The pipe for what the kernel has no more EVFILT_USER knotes for; null until then, set once. */
    private volatile WakePipe overflow;

    private UserFilterWakeup(Changes changes) {
        this.changes = changes;
        this.profile = changes.profile();
        this.c = profile.constants;
    }

    /**
     * Adds the EVFILT_USER knote that {@link #interrupt()} triggers, level-triggered on purpose
     * (no EV_CLEAR): once triggered it stays pending, so every poller, now or later, sees it.
     * First it is added with EV_DISPATCH and triggered, for the {@link DispatchCheck}, then
     * replaced by the plain one.
     *
     * @return the wake mechanism, or null where the kernel refuses EVFILT_USER
     *         ({@link Errno#userFilterRefused}): the caller uses the pipe
     */
    static UserFilterWakeup open(Changes changes) throws IOException {
        KqueueConstants c = changes.profile().constants;
        long ident = EventDecoder.INTERRUPT_IDENT;
        ChangeBatch b = changes.take();
        try {
            b.add(ident, c.evfiltUser, c.evAdd | c.evDispatch | c.evReceipt, 0, 0L)
                    .add(ident, c.evfiltUser, c.evReceipt, c.noteTrigger, 0L);
            if (!added(changes, changes.submit(b))) {
                return null;
            }
        } finally {
            changes.give(b);
        }
        DispatchCheck.require(changes, ident, c.evfiltUser);
        // Another thread of the process may have taken the last EVFILT_USER knote meanwhile.
        int err = changes.submitOne(ident, c.evfiltUser, c.evAdd | c.evReceipt, 0, 0L);
        return added(changes, err) ? new UserFilterWakeup(changes) : null;
    }

    /** Whether the close signal's knote was added; false if refused as EVFILT_USER; else throws. */
    private static boolean added(Changes changes, int err) throws IOException {
        if (err != 0 && !Errno.userFilterRefused(err)) {
            throw changes.profile().errno.error("kevent(EV_ADD) EVFILT_USER", null, -1, null, err);
        }
        return err == 0;
    }

    @Override
    public WakerHandle newWaker(long token) throws IOException {
        long id = nextWakerId.getAndIncrement();
        // EV_CLEAR: a delivery resets the trigger, so wakes before the next poll merge.
        int err = changes.submitOne(id, c.evfiltUser, c.evAdd | c.evClear | c.evReceipt, 0, token);
        if (Errno.userFilterRefused(err)) {
            return overflow().newWaker(token);
        }
        if (err != 0) {
            throw profile.errno.error("kevent(EV_ADD) EVFILT_USER", null, -1, "waker=" + id + " token=" + token, err);
        }
        return new UserWaker(id, token);
    }

    /** The overflow pipe, made and registered on first need. */
    private synchronized WakePipe overflow() throws IOException {
        WakePipe p = overflow;
        if (p == null) {
            p = WakePipe.open(profile, changes.kernel());
            try {
                p.register(changes);
            } catch (IOException | RuntimeException e) {
                p.close();
                throw e;
            }
            overflow = p;
        }
        return p;
    }

    /** Through the overflow pipe where there is one, else an EVFILT_USER knote with EV_CLEAR. */
    @Override
    public void kick() throws IOException {
        WakePipe p = overflow;
        if (p != null) {
            p.signal();
            return;
        }
        ChangeBatch b = changes.take();
        try {
            long ident = EventDecoder.KICK_IDENT;
            if (!kickAdded) {
                b.add(ident, c.evfiltUser, c.evAdd | c.evClear | c.evReceipt, 0, 0L);
            }
            b.add(ident, c.evfiltUser, c.evReceipt, c.noteTrigger, 0L);
            int err = changes.submit(b);
            if (err == 0) {
                kickAdded = true;
            } else if (Errno.userFilterRefused(err)) {
                overflow().signal();
            } else {
                throw profile.errno.error("kevent(NOTE_TRIGGER)", null, -1, "kick", err);
            }
        } finally {
            changes.give(b);
        }
    }

    /** Triggers the EVFILT_USER knote {@code ident}; its errno or 0. No EV_ADD: never revives a deleted knote. */
    private int trigger(long ident, long udata) {
        return changes.submitOne(ident, c.evfiltUser, c.evReceipt, c.noteTrigger, udata);
    }

    @Override
    public void interrupt() {
        // The close signal's knote was added at open, so triggering it asks the kernel for nothing
        // new; should it fail anyway, say so (the SPI forbids throwing here): pollers with a
        // timeout still return, and the gate names any that stay.
        int err = trigger(EventDecoder.INTERRUPT_IDENT, 0L);
        if (err != 0) {
            System.getLogger("io.jpoll.kqueue").log(System.Logger.Level.WARNING,
                    "jpoll: cannot signal close to pollers: kevent(NOTE_TRIGGER) " + profile.errno.name(err));
        }
    }

    @Override
    public void collect(EventSink sink) {
        overflow.collect(sink); // a record of the pipe means the pipe exists
    }

    @Override
    public void close() {
        if (profile == KqueueProfile.LIBKQUEUE) {
            // libkqueue gives each EVFILT_USER knote an eventfd and frees a closed kqueue's knotes
            // later, from its monitor thread; delete the close signal's now, so its eventfd is
            // closed by the time close() returns, like the wakers' (deleted by their close()).
            changes.submitOne(EventDecoder.INTERRUPT_IDENT, c.evfiltUser, c.evDelete | c.evReceipt, 0, 0L);
        }
        WakePipe p = overflow;
        if (p != null) {
            p.close();
        }
    }

    @Override
    public String toString() {
        return overflow == null ? "EVFILT_USER wakeup" : "EVFILT_USER wakeup, wake pipe past the kernel's limit";
    }

    /** A waker on its own EVFILT_USER knote (ident = a per-selector id, udata = the token). */
    private final class UserWaker implements WakerHandle {
        private final long id;
        private final long token;

        UserWaker(long id, long token) {
            this.id = id;
            this.token = token;
        }

        @Override
        public void wake() throws IOException {
            int err = trigger(id, token);
            if (err != 0) {
                throw profile.errno.error("kevent(NOTE_TRIGGER)", null, -1, "waker=" + id + " token=" + token, err);
            }
        }

        @Override
        public void close() {
            // Nothing to do about a failure here: the knote goes with the kqueue at the latest.
            changes.submitOne(id, c.evfiltUser, c.evDelete | c.evReceipt, 0, token);
        }
    }
}
