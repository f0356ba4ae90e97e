package io.jpoll.examples;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every echo server must survive: resets with echoes unread or unsent, a half-close with
 * echoes still to send, a peer that never reads, and binary noise, which an echo server must
 * return byte for byte. After each, a well-behaved client gets back exactly what it sent and the
 * server holds no descriptor of the dead connections.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
abstract class EchoContract {
    private RunningServer server;
    private ExecutorService threads;

    /** Starts the server under test on {@link RunningServer#ANY_LOOPBACK_PORT}. */
    abstract RunningServer start() throws IOException;

    @BeforeEach
    void startServer() throws IOException {
        server = start();
        threads = Executors.newCachedThreadPool();
    }

    @AfterEach
    void stopServer() throws Exception {
        threads.shutdownNow();
        server.close();
    }

    @Test
    void survivesAResetWithEchoesUnread() throws Exception {
        Peer.resetWithReplyUnread(server.address(), Peer.garbage(100_000, 1));
        assertServed();
        server.awaitNoConnections();
    }

    @Test
    void survivesAResetBeforeItEchoes() throws Exception {
        Peer.resetWithRequestUnanswered(server.address(), Peer.garbage(100_000, 2));
        assertServed();
        server.awaitNoConnections();
    }

    @Test
    void echoesEverythingSentBeforeAHalfCloseThenCloses() throws Exception {
        // Small enough for the buffers on the way to hold it all while this peer reads nothing
        // yet (its receive window alone is 64 KiB); larger sends are streamThenHalfClose's.
        byte[] sent = Peer.garbage(48 * 1024, 3);
        byte[] echoed = Peer.sendAllThenHalfClose(server.address(), sent);
        assertArrayEquals(sent, echoed, () -> "echoed " + echoed.length + " of " + sent.length + " bytes");
        assertServed();
        server.awaitNoConnections();
    }

    @Test
    void echoesMegabytesOfNoiseExactlyThroughAHalfClose() throws Exception {
        byte[] sent = Peer.garbage(4 << 20, 4);
        byte[] echoed = Peer.streamThenHalfClose(server.address(), sent);
        assertArrayEquals(sent, echoed, () -> "echoed " + echoed.length + " of " + sent.length + " bytes");
        server.awaitNoConnections();
    }

    @Test
    void pushesBackOnAPeerThatNeverReadsThenSurvivesItVanishingMidWrite() throws Exception {
        long sent = Peer.floodWithoutReading(server.address(), Peer.garbage(64 * 1024, 5));
        assertTrue(sent > 64 * 1024, "the server stopped reading before its buffer could fill: " + sent);
        assertServed();
        server.awaitNoConnections();
    }

    @Test
    void survivesManyPeersVanishingAtOnce() throws Exception {
        Socket[] peers = new Socket[50];
        try {
            for (int i = 0; i < peers.length; i++) {
                peers[i] = Peer.connect(server.address());
                peers[i].getOutputStream().write(Peer.garbage(10_000, i));
            }
        } finally {
            for (Socket s : peers) {
                if (s != null) {
                    s.setSoLinger(true, 0);
                    s.close();
                }
            }
        }
        assertServed();
        server.awaitNoConnections();
    }

    @Test
    void servesManyClientsAtOnceEachExactlyItsOwnBytes() throws Exception {
        List<CompletableFuture<Void>> clients = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            byte[] sent = Peer.garbage(256 * 1024, 100 + i);
            clients.add(CompletableFuture.runAsync(() -> {
                try {
                    byte[] echoed = Peer.streamThenHalfClose(server.address(), sent);
                    assertArrayEquals(sent, echoed, () -> "echoed " + echoed.length + " of " + sent.length + " bytes");
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            }, threads));
        }
        CompletableFuture.allOf(clients.toArray(new CompletableFuture[0]))
                .get(Await.PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        server.awaitNoConnections();
    }

    /** A client sending 1 MiB while it reads gets exactly its bytes back, over a connection it then closes. */
    private void assertServed() throws Exception {
        byte[] sent = Peer.garbage(1 << 20, 42);
        try (Socket s = Peer.connect(server.address())) {
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    s.getOutputStream().write(sent);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            byte[] echoed = s.getInputStream().readNBytes(sent.length);
            writer.get(Await.PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
            assertArrayEquals(sent, echoed, () -> "echoed " + echoed.length + " of " + sent.length + " bytes");
        }
        server.assertAlive();
    }
}
