/** The Windows backend of jpoll: an I/O completion port and AFD readiness polls. */
module io.jpoll.iocp {
    requires io.jpoll;
    requires com.sun.jna;

    provides io.jpoll.spi.Backend with io.jpoll.iocp.IocpBackend;
}
