package io.jpoll.bench.echo;

import java.io.IOException;
import java.net.InetSocketAddress;

/** A TCP echo server on loopback with one event-loop thread; closing stops it and its connections. */
interface EchoServer extends AutoCloseable {
    InetSocketAddress address();

    @Override
    void close() throws IOException, InterruptedException;

    static EchoServer start(String kind) throws IOException, InterruptedException {
        switch (kind) {
            case "jpoll":
                return JpollEchoServer.start();
            case "selector":
                return SelectorEchoServer.start();
            case "netty":
                return NettyEchoServer.start();
            default:
                throw new IllegalArgumentException("echo server must be jpoll, selector or netty, was " + kind);
        }
    }
}
