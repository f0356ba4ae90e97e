package io.jpoll.examples;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code http} keeps serving whatever its peers do: wrk's reset at the end of a run, garbage, a
 * half-close, a pipeliner that never reads. After each, a well-behaved client gets its exact
 * responses and the server holds no descriptor of the dead connections.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HttpHelloTest {
    private static final byte[] REQUEST = ascii("GET / HTTP/1.1\r\nHost: test\r\n\r\n");
    private static final byte[] RESPONSE = ascii("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
            + "Content-Length: 13\r\n\r\nHello, world!");

    private RunningServer server;

    @BeforeEach
    void start() throws IOException {
        HttpHello http = new HttpHello(RunningServer.ANY_LOOPBACK_PORT);
        server = RunningServer.start("http", http::run, http::close, http.port(), http::connections);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Test
    void survivesResetsWithResponsesUnreadLikeTheEndOfAWrkRun() throws IOException {
        List<Socket> peers = new ArrayList<>();
        try {
            for (int i = 0; i < 50; i++) {
                Socket s = Peer.connect(server.address());
                s.getOutputStream().write(Peer.repeat(REQUEST, 3));
                peers.add(s);
            }
            for (Socket s : peers) {
                Await.until("three responses to arrive unread", () -> available(s) >= 3 * RESPONSE.length);
            }
        } finally {
            for (Socket s : peers) {
                s.setSoLinger(true, 0);
                s.close();
            }
        }
        assertServed();
        server.awaitNoConnections();
    }

    @Test
    void survivesAResetWithAResponseUnread() throws IOException {
        Peer.resetWithReplyUnread(server.address(), REQUEST);
        assertServed();
        server.awaitNoConnections();
    }

    @Test
    void survivesAResetBeforeItAnswers() throws IOException {
        Peer.resetWithRequestUnanswered(server.address(), Peer.repeat(REQUEST, 100));
        assertServed();
        server.awaitNoConnections();
    }

    @Test
    void dropsGarbageThatNeverEndsARequest() throws IOException {
        byte[] reply = Peer.sendUntilDropped(server.address(), Peer.garbage(64 * 1024, 1));
        assertEquals("", Peer.show(reply), "no response to garbage, only the end of the connection");
        assertServed();
        server.awaitNoConnections();
    }

    @Test
    void answersWhatWasAskedBeforeAHalfCloseThenCloses() throws IOException {
        byte[] reply = Peer.sendAllThenHalfClose(server.address(), Peer.repeat(REQUEST, 2));
        assertEquals(Peer.show(Peer.repeat(RESPONSE, 2)), Peer.show(reply));
        assertServed();
        server.awaitNoConnections();
    }

    @Test
    void closesAfterAnsweringConnectionClose() throws IOException {
        byte[] reply = Peer.sendUntilDropped(server.address(),
                ascii("GET / HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n"));
        assertEquals(Peer.show(RESPONSE), Peer.show(reply));
        server.awaitNoConnections();
    }

    @Test
    void pushesBackOnAPipelinerThatNeverReadsThenSurvivesItVanishing() throws IOException {
        Peer.floodWithoutReading(server.address(), REQUEST);
        assertServed();
        server.awaitNoConnections();
    }

    /** A keep-alive client pipelining three requests gets three exact responses. */
    private void assertServed() throws IOException {
        try (Socket s = Peer.connect(server.address())) {
            s.getOutputStream().write(Peer.repeat(REQUEST, 3));
            byte[] reply = s.getInputStream().readNBytes(3 * RESPONSE.length);
            assertArrayEquals(Peer.repeat(RESPONSE, 3), reply, () -> Peer.show(reply));
        }
        server.assertAlive();
    }

    private static int available(Socket s) {
        try {
            InputStream in = s.getInputStream();
            return in.available();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
