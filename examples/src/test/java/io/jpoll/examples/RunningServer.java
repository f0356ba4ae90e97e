package io.jpoll.examples;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * An example server serving on its own thread in this JVM, on an ephemeral loopback port, with
 * what the abuse tests check: that its thread still runs, how many connections it holds, and
 * that the sockets of this JVM come back to what they were when it started.
 */
final class RunningServer implements AutoCloseable {
    /** The server's serving loop, which returns once the server is closed. */
    interface Loop {
        void run() throws Exception;
    }

    static final InetSocketAddress ANY_LOOPBACK_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private final String name;
    private final Thread thread;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AutoCloseable server;
    private final InetSocketAddress address;
    private final IntSupplier connections;

    private RunningServer(String name, Loop loop, AutoCloseable server, int port, IntSupplier connections) {
        this.name = name;
        this.server = server;
        this.address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        this.connections = connections;
        this.thread = new Thread(() -> {
            try {
                loop.run();
            } catch (Throwable t) {
                failure.set(t);
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
    }

    static RunningServer start(String name, Loop loop, AutoCloseable server, int port, IntSupplier connections) {
        return new RunningServer(name, loop, server, port, connections);
    }

    InetSocketAddress address() {
        return address;
    }

    /** Fails unless the serving loop is still running. */
    void assertAlive() {
        Throwable t = failure.get();
        if (t != null) {
            fail(name + " died: " + t, t);
        }
        assertTrue(thread.isAlive(), name + "'s serving loop returned although nobody closed it");
    }

    /**
     * Waits until the server holds no connection, and no descriptor of this JVM but the
     * listener's is a socket on the server's port: every dead connection's descriptor is closed.
     */
    void awaitNoConnections() {
        Await.until(name + " to hold no connection", () -> connections.getAsInt() == 0,
                () -> "(it holds " + connections.getAsInt() + ")");
        if (OpenSockets.countable()) {
            Await.until(name + " to hold no socket on its port but the listener",
                    () -> OpenSockets.heldOnPort(address.getPort()).size() == 1,
                    () -> "(it holds " + OpenSockets.heldOnPort(address.getPort()) + ")");
        }
        assertAlive();
    }

    /** Closes the server; its loop must return, normally, promptly. */
    @Override
    public void close() throws Exception {
        server.close();
        thread.join(Duration.ofSeconds(10).toMillis());
        assertFalse(thread.isAlive(), name + "'s serving loop did not return within 10 s of close");
        Throwable t = failure.get();
        if (t != null) {
            fail(name + "'s serving loop failed: " + t, t);
        }
        assertEquals(0, connections.getAsInt(), name + " still counts connections after close");
        if (OpenSockets.countable()) {
            assertEquals(List.of(), OpenSockets.heldOnPort(address.getPort()), name + " holds sockets after close");
        }
    }
}
