package io.jpoll.bench.dispatch;

import io.jpoll.Source;
import io.jpoll.bench.EventFds;
import io.jpoll.bench.SocketPairs;

import java.io.IOException;

/** The registered sources of the dispatch benchmark and the way to make one of them ready. */
interface Fixture extends AutoCloseable {
    /** The source jpoll registers for index {@code i}. */
    Source source(int i);

    /** Makes source {@code i} readable (it stays readable until {@link #renew} reads it). */
    void poke(int i) throws IOException;

    /** Makes a fresh edge on an already readable source {@code i}, keeping it readable. */
    void renew(int i) throws IOException;

    @Override
    void close() throws IOException;

    static Fixture open(String kind, int count) throws IOException {
        switch (kind) {
            case "socket":
                return new Sockets(SocketPairs.open(count));
            case "eventfd":
                return new Eventfds(EventFds.open(count));
            default:
                throw new IllegalArgumentException("dispatch source kind must be socket or eventfd, was " + kind);
        }
    }

    /** TCP loopback pairs; the near end is registered. */
    final class Sockets implements Fixture {
        final SocketPairs pairs;

        Sockets(SocketPairs pairs) {
            this.pairs = pairs;
        }

        @Override
        public Source source(int i) {
            return Source.of(pairs.near(i));
        }

        @Override
        public void poke(int i) throws IOException {
            pairs.poke(i);
        }

        /**
         * Reads the pending byte back and sends a new one: one byte stays queued, a new edge.
         * Waits for the byte to arrive, so the poll that follows is sure to see the edge.
         */
        @Override
        public void renew(int i) throws IOException {
            pairs.drainOne(i);
            pairs.poke(i);
            pairs.awaitArrival(i);
        }

        @Override
        public void close() throws IOException {
            pairs.close();
        }
    }

    /** Eventfds: a write adds to the counter and is an edge by itself. */
    final class Eventfds implements Fixture {
        final EventFds fds;

        Eventfds(EventFds fds) {
            this.fds = fds;
        }

        @Override
        public Source source(int i) {
            return Source.fd(fds.fd(i));
        }

        @Override
        public void poke(int i) throws IOException {
            fds.signal(i);
        }

        @Override
        public void renew(int i) throws IOException {
            fds.signal(i);
        }

        @Override
        public void close() {
            fds.close();
        }
    }
}
