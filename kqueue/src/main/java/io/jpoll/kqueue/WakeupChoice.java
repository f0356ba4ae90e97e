package io.jpoll.kqueue;

import java.io.IOException;

/**
 * Chooses a new kqueue's {@link Wakeup} once, before its selector is built: EVFILT_USER where the
 * kernel gives it and it is safe, else the wake pipe.
 */
final class WakeupChoice {
    /**
     * System property: {@code pipe} makes wakers use the pipe fallback even where EVFILT_USER
     * exists; {@code user} insists on EVFILT_USER (where the kernel has it).
     */
    static final String WAKEUP_PROPERTY = "jpoll.kqueue.wakeup";

    /** libkqueue {@code include/sys/event.h.in}: EVFILT_LIBKQUEUE and its NOTE_VERSION query. */
    private static final int LIBKQUEUE_FILTER = -12;
    private static final int LIBKQUEUE_NOTE_VERSION = 0x0001;
    private static final long LIBKQUEUE_2_7 = 0x02070000L;

    private WakeupChoice() {
    }

    /**
     * The wake mechanism for the kqueue of {@code changes}, its knotes added. On libkqueue before
     * 2.7 with the pipe, also makes changes announce themselves through it ({@link ChangeHandoff}).
     */
    static Wakeup open(Changes changes) throws IOException {
        boolean waitHoldsLock = changes.profile() == KqueueProfile.LIBKQUEUE
                && libkqueueVersion(changes) < LIBKQUEUE_2_7;
        if (wantsUserFilter(waitHoldsLock)) {
            Wakeup user = UserFilterWakeup.open(changes);
            if (user != null) {
                return user;
            }
        }
        // No EVFILT_USER (refused, unsafe on this libkqueue, or not wanted): the wake pipe.
        PipeWakeup pipe = PipeWakeup.open(changes);
        if (waitHoldsLock) {
            changes.handOffThrough(pipe.pipe());
        }
        return pipe;
    }

    /**
     * Whether to wake through EVFILT_USER: yes, unless {@value #WAKEUP_PROPERTY} says {@code pipe},
     * or this is a libkqueue before 2.7.0. Those hold the kqueue's mutex for as long as a poller
     * waits (common/kevent.c; 2.7.0 drops it, KEVENT_WAIT_DROP_LOCK), so a NOTE_TRIGGER from
     * another thread, and the close signal, would wait for that poller: poll(null) never ends.
     * A pipe write takes no such lock (and {@link ChangeHandoff} lets changes past the waiter).
     */
    private static boolean wantsUserFilter(boolean waitHoldsLock) {
        String wanted = System.getProperty(WAKEUP_PROPERTY, "");
        if (wanted.equals("pipe")) {
            return false;
        }
        return wanted.equals("user") || !waitHoldsLock;
    }

    /** libkqueue's EVFILT_LIBKQUEUE / NOTE_VERSION, as {@code MMmmpprr}; 0 if it does not answer. */
    static long libkqueueVersion(Changes changes) {
        KqueueProfile profile = changes.profile();
        ChangeBatch b = changes.take();
        try {
            b.add(0, LIBKQUEUE_FILTER, profile.constants.evAdd, LIBKQUEUE_NOTE_VERSION, 0L);
            // The answer comes back in the record itself, without EV_ERROR; a refusal with it.
            if (b.submit(changes.kq()) != 1 || b.error(0, profile.constants) != 0) {
                return 0;
            }
            return profile.layout.data(b.view(), 0);
        } finally {
            changes.give(b);
        }
    }
}
