package io.jpoll.it;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A plain blocking echo server on its own thread, written only with the JDK, so the client side
 * under test meets a peer that owes nothing to jpoll. It serves one connection until end of stream.
 */
final class EchoServer implements AutoCloseable {
    private final ServerSocketChannel server;
    private final Path socketFile;
    private final Thread thread;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    private EchoServer(ServerSocketChannel server, Path socketFile) {
        this.server = server;
        this.socketFile = socketFile;
        this.thread = new Thread(this::serveOne, "echo-server");
        thread.setDaemon(true);
        thread.start();
    }

    static EchoServer tcp() throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(PollFixture.LOOPBACK, 0));
        return new EchoServer(server, null);
    }

    /** A Unix domain socket server on a fresh file in {@code dir}. */
    static EchoServer unix(Path dir) throws IOException {
        Path file = dir.resolve("echo.sock");
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(file));
        return new EchoServer(server, file);
    }

    SocketAddress address() throws IOException {
        return server.getLocalAddress();
    }

    private void serveOne() {
        try (SocketChannel peer = server.accept()) {
            ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            while (peer.read(buffer) >= 0) {
                buffer.flip();
                while (buffer.hasRemaining()) {
                    peer.write(buffer);
                }
                buffer.clear();
            }
        } catch (AsynchronousCloseException closedByTest) {
            // close() ends a server that was never connected to, or a peer the test abandoned
        } catch (IOException | RuntimeException e) {
            failure.set(e);
        }
    }

    /** Stops the server; rethrows what went wrong on its thread, if anything. */
    @Override
    public void close() throws IOException {
        server.close();
        try {
            thread.join(2000);
            if (thread.isAlive()) {
                thread.interrupt(); // closes the connection it still blocks on
                thread.join(2000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while stopping the echo server");
        } finally {
            if (socketFile != null) {
                Files.deleteIfExists(socketFile);
            }
        }
        Throwable t = failure.get();
        if (t != null) {
            throw new AssertionError("the echo server failed", t);
        }
    }
}
