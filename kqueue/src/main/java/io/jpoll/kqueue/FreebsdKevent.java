package io.jpoll.kqueue;

/**
 * Which {@code struct kevent} the FreeBSD {@code kevent} symbol a binding got takes. FreeBSD 12
 * (r320043) grew the struct from 32 to 64 bytes and versioned the symbol: {@code kevent@FBSD_1.5}
 * takes the new layout, {@code kevent@FBSD_1.0} (the only one of an 11.x libc, a compat symbol
 * since) the old. The layout is chosen from the symbol actually bound, not from the kernel's
 * version: in a jail whose userland is older than the host kernel, {@code os.version} names the
 * kernel while the libc, and so the symbol, is the jail's, and a 64-byte kernel write into
 * 32-byte-sized records would overrun the buffers.
 */
final class FreebsdKevent {
    static final String VERSION_64 = "FBSD_1.5";
    static final String VERSION_32 = "FBSD_1.0";
    /** What {@link #profile} is given when {@code dlvsym} could not be asked. */
    static final long UNKNOWN = -1;

    private FreebsdKevent() {
    }

    /**
     * The profile whose layout matches the bound symbol, or null if it matches neither version.
     *
     * @param bound     the address bound for {@code kevent}
     * @param version64 {@code kevent@FBSD_1.5}, 0 if absent, {@link #UNKNOWN} without dlvsym
     * @param version32 {@code kevent@FBSD_1.0}, 0 if absent, {@link #UNKNOWN} without dlvsym
     * @param osVersion {@code os.version}, the last resort when dlvsym cannot be asked
     */
    static KqueueProfile profile(long bound, long version64, long version32, String osVersion) {
        if (version64 == UNKNOWN || version32 == UNKNOWN) {
            return KqueueProfile.freebsdMajor(osVersion) >= 12 ? KqueueProfile.FREEBSD : KqueueProfile.FREEBSD_11;
        }
        if (bound != 0 && bound == version64) {
            return KqueueProfile.FREEBSD;
        }
        if (bound != 0 && bound == version32) {
            return KqueueProfile.FREEBSD_11;
        }
        return null;
    }
}
