package io.jpoll.kqueue;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * libkqueue before 2.7 only: lets a change (register, reregister, deregister) through while a
 * poller waits. Those versions hold the kqueue's mutex for the whole wait (common/kevent.c takes
 * kqueue_lock before kevent_wait and keeps it), so a change from another thread would sit until
 * the poll ends on its own, perhaps never.
 *
 * <p>A change announces itself and writes to the wake pipe; every poller returns from kevent(),
 * and while a change is announced it neither drains the pipe (so a poller that gets the mutex next
 * returns at once too) nor calls kevent() again until the change is done. The change then gets
 * the mutex between two waits.
 */
final class ChangeHandoff {
    private final WakePipe pipe;
    private final AtomicInteger waiting = new AtomicInteger();

    ChangeHandoff(WakePipe pipe) {
        this.pipe = pipe;
    }

    /** Before a change's kevent(): make the pollers let go of the mutex. */
    void announce() {
        waiting.incrementAndGet();
        pipe.signal();
    }

    /** After the change's kevent() returned. */
    void done() {
        waiting.decrementAndGet();
    }

    boolean changesWaiting() {
        return waiting.get() > 0;
    }

    /** Called by a poller between two kevent() calls: stays out until no change is announced. */
    void letChangesThrough() {
        while (waiting.get() > 0) {
            Thread.yield();
        }
    }
}
