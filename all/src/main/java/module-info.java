/**
 * jpoll with every backend. {@code requires io.jpoll.all} gives a module the API and puts every
 * backend in the module graph; {@code Poll.open()} picks the one for this OS at run time.
 */
module io.jpoll.all {
    requires transitive io.jpoll;
    requires io.jpoll.epoll;
    requires io.jpoll.kqueue;
    requires io.jpoll.iocp;
}
