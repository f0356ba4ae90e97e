package io.jpoll.examples;

import io.jpoll.Interests;
import io.jpoll.Poll;
import io.jpoll.Registry;
import io.jpoll.Source;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/** Starting to listen, and ending a connection, the same way in every example server. */
final class Sockets {
    /** Room for a burst of connects (wrk opens all its connections at once); the OS may cap it. */
    private static final int BACKLOG = 1024;
    /** Connection ends are routine (wrk resets all its connections when a run ends): shown on request. */
    private static final boolean VERBOSE = Boolean.getBoolean("jpoll.examples.verbose");

    private Sockets() {
    }

    /** A non-blocking listener on {@code address}, registered with {@code poll}; closed again if that fails. */
    static ServerSocketChannel listen(Poll poll, InetSocketAddress address, long token, Interests interests)
            throws IOException {
        ServerSocketChannel listener = ServerSocketChannel.open();
        try {
            listener.bind(address, BACKLOG);
            listener.configureBlocking(false);
            poll.registry().register(Source.of(listener), token, interests);
            return listener;
        } catch (IOException | RuntimeException e) {
            listener.close();
            throw e;
        }
    }

    /**
     * Deregisters and closes a connection whose peer is done or gone; nothing about it can fail
     * the server. Closing alone would end the registration on every backend too; deregistering
     * first is the order that needs no such knowledge.
     */
    static void deregisterAndClose(Registry registry, Source source, SocketChannel channel) {
        try {
            registry.deregister(source);
        } catch (IOException alreadyGone) {
            // the Poll is closed, or the socket never got registered: closing is all that is left
        }
        closeQuietly(channel);
    }

    /**
     * Notes a connection that ended by a failure: one line on standard error with
     * {@code -Djpoll.examples.verbose=true}, else nothing.
     */
    static void ended(String server, long token, Exception cause) {
        if (VERBOSE) {
            System.err.println(server + ": connection " + token + " ended: " + cause);
        }
    }

    /** Closes a channel that is done with; there is nothing to do about an error then. */
    static void closeQuietly(Channel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // the descriptor is released even when close reports an error
        }
    }
}
