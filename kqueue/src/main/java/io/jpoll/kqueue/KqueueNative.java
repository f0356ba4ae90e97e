package io.jpoll.kqueue;

/**
 * {@code kqueue()} and {@code kevent()} bound by JNA direct mapping, for every kqueue except
 * NetBSD's. Pointers travel as {@code long} addresses. Registered by {@link Natives} against libc,
 * or against libkqueue on Linux.
 */
final class KqueueNative {
    private KqueueNative() {
    }

    static native int kqueue();

    static native int kevent(int kq, long changelist, int nchanges, long eventlist, int nevents, long timeout);
}
