package io.jpoll.it;

import io.jpoll.Events;
import io.jpoll.Interests;
import io.jpoll.NativeException;
import io.jpoll.Poll;
import io.jpoll.Source;
import io.jpoll.Trigger;
import io.jpoll.fd.FdNumbers;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.IllegalBlockingModeException;
import java.nio.channels.Pipe;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** 23. Bad input: the documented exception, and a message that says what was wrong with what. */
class BadInputTest extends PollFixture {
    private static final int EPERM = 1;
    private static final int EBADF = 9; // the same number on Linux, macOS and the BSDs

    @TempDir
    Path dir;

    @Test
    @DisabledOnOs(value = OS.WINDOWS, disabledReason = "Source.fd exists only on Unix")
    @DisplayName("23. negative fd -> IllegalArgumentException from Source.fd, naming the value")
    void negativeFd() {
        for (int fd : new int[] {-1, Integer.MIN_VALUE}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Source.fd(fd));
            assertMessageContains(e, "Source.fd", Integer.toString(fd));
        }
    }

    @Test
    @DisabledOnOs(value = OS.WINDOWS, disabledReason = "Source.fd exists only on Unix")
    @DisplayName("23. a closed fd -> NativeException from register: operation, fd=N, EBADF")
    void closedFd() throws Exception {
        Pipe pipe = Pipe.open();
        pipe.sink().close();
        pipe.source().configureBlocking(false);
        // Not the pipe's own number once closed: any thread of the JVM may be handed that one next.
        int fd = FdNumbers.closedNumber((int) Source.of(pipe.source()).handle());
        pipe.source().close();
        long token = 0xDEADBEEFCAFEBABEL;

        NativeException e = assertThrows(NativeException.class,
                () -> registry.register(Source.fd(fd), token, Interests.READABLE));
        assertNativeError(e, fd, "EBADF", EBADF);
    }

    @Test
    @DisabledOnOs(value = OS.WINDOWS, disabledReason = "Source.fd exists only on Unix")
    @DisplayName("23. an fd number far beyond any open one -> NativeException EBADF")
    void neverOpenedFd() throws Exception {
        int fd = Integer.MAX_VALUE;
        NativeException e = assertThrows(NativeException.class,
                () -> registry.register(Source.fd(fd), 1, Interests.WRITABLE));
        assertNativeError(e, fd, "EBADF", EBADF);
    }

    @Test
    @EnabledOnOs(value = OS.LINUX, disabledReason = "epoll refuses regular files; kqueue accepts them")
    @DisplayName("23. a regular file's fd -> NativeException from register: operation, fd=N, EPERM")
    void regularFile() throws Exception {
        assumeTrue(poll.backend().equals("epoll"), "only epoll refuses regular files");
        Path file = Files.writeString(dir.resolve("plain.txt"), "not pollable");
        int fd = LinuxLibc.openReadOnly(file.toString());
        try {
            NativeException e = assertThrows(NativeException.class,
                    () -> registry.register(Source.fd(fd), -1, Interests.READABLE));
            assertNativeError(e, fd, "EPERM", EPERM);
            assertTrue(e.getMessage().contains("Operation not permitted"), e.getMessage());
        } finally {
            LinuxLibc.closeFd(fd);
        }
    }

    @Test
    @DisplayName("23. nulls -> NullPointerException naming the parameter")
    void nulls() throws Exception {
        Source source = Source.of(udp());
        assertNull("source", () -> registry.register(null, 1, Interests.READABLE));
        assertNull("interests", () -> registry.register(source, 1, null));
        assertNull("source", () -> registry.reregister(null, 1, Interests.READABLE));
        assertNull("interests", () -> registry.reregister(source, 1, null));
        assertNull("source", () -> registry.deregister(null));
        assertNull("events", () -> poll.poll(null, Duration.ZERO));
        assertNull("channel", () -> Source.of(null));
        assertNull("backend", () -> Poll.open(null));
        assertNull("trigger", () -> poll.supports(null));
        // nothing was registered on the way
        expectNoEvents();
    }

    @Test
    @DisplayName("23. a negative timeout -> IllegalArgumentException naming the value")
    void negativeTimeout() {
        for (Duration timeout : new Duration[] {Duration.ofMillis(-1), Duration.ofNanos(-1), Duration.ofSeconds(-5)}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> poll.poll(events, timeout));
            assertMessageContains(e, "timeout", timeout.toString());
        }
    }

    @Test
    @DisplayName("23. Events capacity 0, negative or above MAX_CAPACITY -> IllegalArgumentException naming the value")
    void badCapacity() {
        for (int capacity : new int[] {0, -1, Events.MAX_CAPACITY + 1}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Events(capacity));
            assertMessageContains(e, Integer.toString(capacity));
        }
        assertEquals(1, new Events(1).capacity());
    }

    @Test
    @DisplayName("Poll.open(\"nope\") -> IllegalArgumentException naming it and listing the backends available here")
    void unknownBackend() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Poll.open("nope"));
        assertMessageContains(e, "nope", poll.backend());
    }

    @Test
    @DisplayName("Poll.open of another OS's backend -> IllegalArgumentException naming it and listing what is available")
    void foreignBackend() throws Exception {
        // Unsupported here if its module is on the class path, unknown if not: either way refused.
        String foreign = OS.current() == OS.WINDOWS ? "epoll" : "iocp";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Poll.open(foreign));
        assertMessageContains(e, "'" + foreign + "'", poll.backend());
        try (Poll named = Poll.open(poll.backend())) {
            assertEquals(poll.backend(), named.backend());
        }
    }

    @Test
    @DisplayName("Source.of a blocking channel -> IllegalBlockingModeException; of a closed channel -> IllegalArgumentException")
    void unusableChannels() throws Exception {
        SocketChannel blocking = closeLater(SocketChannel.open());
        IllegalBlockingModeException e = assertThrows(IllegalBlockingModeException.class, () -> Source.of(blocking));
        assertMessageContains(e, "blocking", "configureBlocking(false)");

        DatagramChannel closed = DatagramChannel.open();
        closed.configureBlocking(false);
        closed.close();
        assertMessageContains(assertThrows(IllegalArgumentException.class, () -> Source.of(closed)), "closed");
    }

    @Test
    @DisplayName("register of a source whose channel was closed since -> ClosedChannelException, not a stranger's fd")
    void channelClosedAfterSourceWasMade() throws Exception {
        DatagramChannel udp = DatagramChannel.open();
        udp.configureBlocking(false);
        Source source = Source.of(udp);
        udp.close();
        assertThrows(ClosedChannelException.class, () -> registry.register(source, 1, Interests.READABLE));
        expectNoEvents();
    }

    @Test
    @DisplayName("a trigger the backend does not offer -> UnsupportedOperationException naming it")
    void unsupportedTrigger() throws Exception {
        Source source = Source.of(udp());
        for (Trigger t : Trigger.values()) {
            if (!poll.supports(t)) {
                UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                        () -> registry.register(source, 1, Interests.READABLE.with(t)));
                assertMessageContains(e, t.name());
            }
        }
    }

    @Test
    @DisabledOnOs(OS.WINDOWS)
    @DisplayName("Source.socket off Windows -> UnsupportedOperationException pointing to Source.fd / Source.of")
    void socketHandleOffWindows() {
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> Source.socket(5));
        assertMessageContains(e, "Source.fd");
    }

    @Test
    @EnabledOnOs(OS.WINDOWS)
    @DisplayName("Source.fd on Windows -> UnsupportedOperationException pointing to Source.socket / Source.of")
    void fdOnWindows() {
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> Source.fd(3));
        assertMessageContains(e, "Source.socket");
    }

    private static void assertNativeError(NativeException e, int fd, String errorName, int errorCode) {
        String message = e.getMessage();
        assertNotNull(message);
        assertEquals(errorName, e.errorName(), message);
        assertEquals(errorCode, e.errorCode(), message);
        assertEquals(fd, e.handle(), message);
        assertNotNull(e.operation(), message);
        assertTrue(message.startsWith(e.operation()), () -> "'" + message + "' starts with the operation");
        assertMessageContains(e, "fd=" + fd, errorName);
        assertInstanceOf(IOException.class, e);
    }

    private static void assertNull(String parameter, Executable call) {
        NullPointerException e = assertThrows(NullPointerException.class, call, parameter);
        assertMessageContains(e, parameter);
    }

    private static void assertMessageContains(Exception e, String... parts) {
        String message = e.getMessage();
        assertNotNull(message, () -> e.getClass().getName() + " without a message");
        for (String part : parts) {
            assertTrue(message.contains(part), () -> "'" + message + "' does not contain '" + part + "'");
        }
    }
}
