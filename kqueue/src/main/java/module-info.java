/** The kqueue backend of jpoll: macOS and the BSDs, and Linux over libkqueue. */
module io.jpoll.kqueue {
    requires io.jpoll;
    requires com.sun.jna;

    provides io.jpoll.spi.Backend with io.jpoll.kqueue.KqueueBackend;
}
