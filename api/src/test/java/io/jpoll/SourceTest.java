package io.jpoll;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.channels.IllegalBlockingModeException;
import java.nio.channels.Pipe;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class SourceTest {
    @Test
    @DisabledOnOs(OS.WINDOWS)
    void fdChecksItsArgument() {
        assertEquals("fd 0", Source.fd(0).toString());
        assertEquals(7, Source.fd(7).handle());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Source.fd(-1));
        assertEquals("Source.fd: fd must be >= 0, was -1", e.getMessage());
    }

    @Test
    @EnabledOnOs(OS.WINDOWS)
    void windowsHasSocketsNotDescriptors() {
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> Source.fd(3));
        assertEquals("Source.fd(3): Windows has no file descriptors to poll; use Source.socket(SOCKET handle) or Source.of(channel)",
                e.getMessage());
        assertEquals("socket 1234", Source.socket(1234).toString());
        assertEquals("Source.socket: not a valid SOCKET handle: -1",
                assertThrows(IllegalArgumentException.class, () -> Source.socket(-1)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Source.socket(0));
    }

    @Test
    @DisabledOnOs(OS.WINDOWS)
    void socketHandlesAreWindowsOnly() {
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> Source.socket(1234));
        assertTrue(e.getMessage().startsWith("Source.socket(1234): SOCKET handles exist only on Windows; on "), e.getMessage());
        assertTrue(e.getMessage().endsWith(" use Source.fd(int) or Source.of(channel)"), e.getMessage());
    }

    @Test
    @DisabledOnOs(OS.WINDOWS)
    void equalSourcesAreOneRegistration() throws IOException {
        assertEquals(Source.fd(3), Source.fd(3));
        assertEquals(Source.fd(3).hashCode(), Source.fd(3).hashCode());
        assertNotEquals(Source.fd(3), Source.fd(4));
        try (SocketChannel ch = SocketChannel.open()) {
            ch.configureBlocking(false);
            Source s = Source.of(ch);
            assertEquals(Source.fd((int) s.handle()), s);
            assertEquals(s, Source.of(ch));
            assertTrue(s.toString().startsWith("fd " + s.handle() + " (sun.nio.ch."), s.toString());
        }
    }

    /** Each JDK channel kind yields its own live descriptor, the same by both reading routes. */
    @Test
    void everyJdkChannelKindHasADescriptor() throws IOException {
        Pipe pipe = Pipe.open();
        try (ServerSocketChannel server = ServerSocketChannel.open();
             SocketChannel client = SocketChannel.open();
             DatagramChannel udp = DatagramChannel.open();
             Pipe.SourceChannel in = pipe.source();
             Pipe.SinkChannel out = pipe.sink()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Set<Long> fds = new HashSet<>();
            for (var ch : new java.nio.channels.SelectableChannel[]{server, client, udp, in, out}) {
                ch.configureBlocking(false);
                Source s = Source.of(ch);
                assertTrue(s.handle() >= 0);
                assertTrue(fds.add(s.handle()), "distinct descriptors");
                assertEquals(s.handle(), ChannelDescriptor.viaUnsafe(ch), "the Unsafe fallback agrees with getFDVal");
                if (Files.isDirectory(Path.of("/proc/self/fd"))) {
                    assertTrue(Files.exists(Path.of("/proc/self/fd/" + s.handle())), "fd " + s.handle() + " is open");
                }
            }
        }
    }

    @Test
    void blockingAndClosedChannelsAreRefused() throws IOException {
        SocketChannel ch = SocketChannel.open();
        IllegalBlockingModeException e = assertThrows(IllegalBlockingModeException.class, () -> Source.of(ch));
        assertTrue(e.getMessage().endsWith("is in blocking mode; call configureBlocking(false) first"), e.getMessage());
        ch.configureBlocking(false);
        ch.close();
        IllegalArgumentException closed = assertThrows(IllegalArgumentException.class, () -> Source.of(ch));
        assertTrue(closed.getMessage().startsWith("Source.of: ") && closed.getMessage().endsWith(" is closed"), closed.getMessage());
        assertEquals("Source.of: channel is null", assertThrows(NullPointerException.class, () -> Source.of(null)).getMessage());
    }

    @Test
    void aChannelClosedAfterwardsIsNotRegistered() throws IOException {
        try (Poll poll = Poll.open("fake")) {
            SocketChannel ch = SocketChannel.open();
            ch.configureBlocking(false);
            Source s = Source.of(ch);
            ch.close();
            java.nio.channels.ClosedChannelException e = assertThrows(java.nio.channels.ClosedChannelException.class,
                    () -> poll.registry().register(s, 1, Interests.READABLE));
            assertEquals("Registry.register " + s + ": the channel is closed", e.getMessage());
            // Nor deregistered: the number may be another channel's by now.
            e = assertThrows(java.nio.channels.ClosedChannelException.class, () -> poll.registry().deregister(s));
            assertEquals("Registry.deregister " + s + ": the channel is closed", e.getMessage());
            e = assertThrows(java.nio.channels.ClosedChannelException.class,
                    () -> poll.registry().reregister(s, 1, Interests.READABLE));
            assertEquals("Registry.reregister " + s + ": the channel is closed", e.getMessage());
        }
    }
}
