package io.jpoll.kqueue;

/**
 * NetBSD's kqueue calls. Its libc keeps {@code kevent} for the old 32-bit-time ABI; the current one
 * is {@code __kevent50}, whose counts are {@code size_t} (passed as {@code long} so the upper half
 * of the register is defined). The method name is the symbol name.
 */
final class NetbsdKqueueNative {
    private NetbsdKqueueNative() {
    }

    static native int kqueue();

    static native int __kevent50(int kq, long changelist, long nchanges, long eventlist, long nevents, long timeout);
}
