/** The Linux epoll backend of jpoll. */
module io.jpoll.epoll {
    requires io.jpoll;
    requires com.sun.jna;

    provides io.jpoll.spi.Backend with io.jpoll.epoll.EpollBackend;
}
