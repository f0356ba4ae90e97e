package io.jpoll.kqueue;

import java.io.IOException;

/**
 * Refuses, at open, a kernel that ignores EV_DISPATCH. Kernels ignore flag bits they do not know
 * (OpenBSD before EV_DISPATCH masked only EV_SYSFLAGS), and there a ONESHOT filter stays enabled
 * after its event: every later kevent() returns its record only for the decoder to drop it, and
 * a poll spins until its timeout. About four extra kevent() calls per open.
 */
final class DispatchCheck {
    /** Room for every record a new kqueue can hold: its wake knotes. */
    private static final int EVENTS = 64;

    private DispatchCheck() {
    }

    /**
     * Checks with the knote {@code ident}/{@code filter}, which is ready at once (a triggered
     * EVFILT_USER, or the write end of an empty pipe) and added with EV_DISPATCH here, or, for
     * EVFILT_USER, by the caller: the first poll must see it and the second must not. The knote
     * is deleted afterwards.
     *
     * @throws IOException if the kernel delivers it twice (ignores EV_DISPATCH) or never
     */
    static void require(Changes changes, long ident, int filter) throws IOException {
        KqueueProfile profile = changes.profile();
        KqueueConstants c = profile.constants;
        PollBuffer buffer = new PollBuffer(profile.layout, EVENTS);
        try {
            if (filter != c.evfiltUser) {
                int err = changes.submitOne(ident, filter, c.evAdd | c.evDispatch | c.evReceipt, 0, 0L);
                if (err != 0) {
                    throw profile.errno.error("kevent(EV_ADD) EV_DISPATCH check", "fd", ident, null, err);
                }
            }
            boolean first = delivered(changes, buffer, ident, filter);
            boolean second = delivered(changes, buffer, ident, filter);
            changes.submitOne(ident, filter, c.evDelete | c.evReceipt, 0, 0L);
            if (!first) {
                throw new IOException("kqueue: a ready knote added with EV_DISPATCH was not delivered;"
                        + " this kernel cannot be relied on for ONESHOT");
            }
            if (second) {
                throw new IOException("kqueue: this kernel ignores EV_DISPATCH (a dispatched knote fired twice),"
                        + " which ONESHOT needs; refusing to open rather than spin in poll");
            }
        } finally {
            buffer.free();
        }
    }

    /** Polls without waiting; whether a record of {@code ident}/{@code filter} came back. */
    private static boolean delivered(Changes changes, PollBuffer buffer, long ident, int filter) throws IOException {
        KeventLayout layout = changes.profile().layout;
        int n;
        while ((n = changes.await(buffer, buffer.capacity(), 0)) < 0) {
            // a signal: ask again
        }
        for (int i = 0; i < n; i++) {
            if (layout.ident(buffer.view(), i) == ident && layout.filter(buffer.view(), i) == filter) {
                return true;
            }
        }
        return false;
    }
}
