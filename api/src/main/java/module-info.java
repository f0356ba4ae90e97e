/**
 * jpoll: a readiness event queue over the OS's own (epoll, kqueue, IOCP). Add
 * {@code io.jpoll:jpoll} for every backend, or this API and the one backend you need.
 */
module io.jpoll {
    // sun.misc.Unsafe: the flag-free fallback for reading a JDK channel's fd (ChannelDescriptor).
    requires jdk.unsupported;

    exports io.jpoll;
    exports io.jpoll.spi;

    uses io.jpoll.spi.Backend;
}
