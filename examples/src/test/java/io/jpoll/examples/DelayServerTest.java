package io.jpoll.examples;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The {@code delays} demo's server keeps serving whatever its peers do: a reset while a reply is
 * due or unread, garbage instead of a delay, a half-close, a peer that leaves while it waits.
 * After each, a well-behaved client gets its exact reply and the server holds no descriptor of
 * the dead connections.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DelayServerTest {
    private RunningServer server;

    @BeforeEach
    void start() throws IOException {
        DelayServer delays = new DelayServer(RunningServer.ANY_LOOPBACK_PORT);
        server = RunningServer.start("delays", delays::run, delays::close, delays.port(), delays::connections);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Test
    void dropsAPeerThatResetsWhileItsReplyIsDue() throws IOException {
        // The reply is due in 30 s, the test's patience is 10: the server must notice the reset at once.
        Peer.resetWithRequestUnanswered(server.address(), ascii("30\n"));
        assertServed();
        server.awaitNoConnections();
    }

    @Test
    void survivesAResetWithItsReplyUnread() throws IOException {
        Peer.resetWithReplyUnread(server.address(), ascii("0\n"));
        assertServed();
        server.awaitNoConnections();
    }

    @Test
    void dropsGarbageWithoutAReply() throws IOException {
        for (String garbage : new String[]{"soon\n", "-1\n", "61\n", "99999999999999999999\n", "1 2\n", "\n"}) {
            assertEquals("", Peer.show(Peer.sendUntilDropped(server.address(), ascii(garbage))), garbage);
        }
        assertEquals("", Peer.show(Peer.sendUntilDropped(server.address(), Peer.garbage(100_000, 7))),
                "a request line that never ends");
        assertEquals("", Peer.show(Peer.sendUntilDropped(server.address(), ascii("0\nmore\n"))),
                "bytes after the request");
        assertServed();
        server.awaitNoConnections();
    }

    @Test
    void repliesAfterAHalfClose() throws IOException {
        assertEquals("waited 1 s\n", Peer.show(Peer.sendAllThenHalfClose(server.address(), ascii("1\n"))));
        server.awaitNoConnections();
    }

    @Test
    void takesARequestThatArrivesInPieces() throws IOException {
        try (Socket s = Peer.connect(server.address())) {
            s.setTcpNoDelay(true); // two segments, so the server usually reads the first alone
            s.getOutputStream().write('1');
            s.getOutputStream().write('\n');
            assertEquals("waited 1 s\n", Peer.show(s.getInputStream().readAllBytes()));
        }
        server.awaitNoConnections();
    }

    @Test
    void forgetsAPeerThatLeftWhileItWaited() throws IOException {
        try (Socket s = Peer.connect(server.address())) {
            s.getOutputStream().write(ascii("1\n"));
        }
        server.awaitNoConnections();
        assertServed();
    }

    /** A client asking for no delay gets exactly "waited 0 s\n", then the end of the connection. */
    private void assertServed() throws IOException {
        try (Socket s = Peer.connect(server.address())) {
            s.getOutputStream().write(ascii("0\n"));
            assertEquals("waited 0 s\n", Peer.show(s.getInputStream().readAllBytes()));
        }
        server.assertAlive();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
