package io.jpoll;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A channel closed by another thread between the registry's open check and the OS call, exactly
 * there, through the fake backend: the number may belong to a new file by the time the OS acts, so
 * the registry re-checks afterwards, undoes a registration it made, and says so.
 */
@Timeout(20)
@DisabledOnOs(value = OS.WINDOWS, disabledReason = "the fake stands in for the Unix descriptor path")
class ChannelCloseRaceTest {
    private static FakeBackend.FakeSelector lastSelector() {
        return FakeBackend.OPENED.get(FakeBackend.OPENED.size() - 1);
    }

    private static Runnable closing(DatagramChannel channel) {
        return () -> {
            try {
                channel.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    @Test
    void registerUndoesWhatItRegisteredForAClosedChannel() throws Exception {
        try (Poll poll = Poll.open("fake"); DatagramChannel channel = DatagramChannel.open()) {
            channel.configureBlocking(false);
            Source source = Source.of(channel);
            long fd = source.handle();
            FakeBackend.FakeSelector s = lastSelector();
            s.beforeNextCall = closing(channel);
            ClosedChannelException e = assertThrows(ClosedChannelException.class,
                    () -> poll.registry().register(source, 5, Interests.READABLE));
            assertEquals("Registry.register " + source + ": the channel was closed while it was being registered;"
                    + " the registration was removed again", e.getMessage());
            assertFalse(s.registered.containsKey(fd), "the number's next owner stays unregistered");
            assertEquals(List.of("register " + fd + " 5 READABLE (ONESHOT)", "deregister " + fd), s.calls);
        }
    }

    @Test
    void registerReportsTheCloseRatherThanWhatTheOsSaidOfTheNumber() throws Exception {
        try (Poll poll = Poll.open("fake"); DatagramChannel channel = DatagramChannel.open()) {
            channel.configureBlocking(false);
            Source source = Source.of(channel);
            long fd = source.handle();
            FakeBackend.FakeSelector s = lastSelector();
            // The number's next owner is registered already: the OS refuses with EEXIST.
            s.beforeNextCall = () -> {
                closing(channel).run();
                s.registered.put(fd, 99L);
            };
            ClosedChannelException e = assertThrows(ClosedChannelException.class,
                    () -> poll.registry().register(source, 5, Interests.READABLE));
            assertTrue(e.getMessage().startsWith("Registry.register " + source + ": the channel was closed"), e.getMessage());
            assertEquals(1, e.getSuppressed().length);
            assertInstanceOf(AlreadyRegisteredException.class, e.getSuppressed()[0]);
            assertEquals(99L, s.registered.get(fd), "the next owner's registration is left alone");
            assertEquals(List.of("register " + fd + " 5 READABLE (ONESHOT)"), s.calls);
        }
    }

    @Test
    void deregisterSaysWhenItMayHaveRemovedAnotherRegistration() throws Exception {
        try (Poll poll = Poll.open("fake"); DatagramChannel channel = DatagramChannel.open()) {
            channel.configureBlocking(false);
            Source source = Source.of(channel);
            poll.registry().register(source, 5, Interests.READABLE);
            FakeBackend.FakeSelector s = lastSelector();
            s.beforeNextCall = closing(channel);
            ClosedChannelException e = assertThrows(ClosedChannelException.class,
                    () -> poll.registry().deregister(source));
            assertEquals("Registry.deregister " + source + ": the channel was closed while it was being deregistered;"
                    + " if its number was reused meanwhile, the registration removed may have been the new file's",
                    e.getMessage());
        }
    }

    @Test
    void reregisterSaysWhenItMayHaveChangedAnotherRegistration() throws Exception {
        try (Poll poll = Poll.open("fake"); DatagramChannel channel = DatagramChannel.open()) {
            channel.configureBlocking(false);
            Source source = Source.of(channel);
            poll.registry().register(source, 5, Interests.READABLE);
            FakeBackend.FakeSelector s = lastSelector();
            s.beforeNextCall = closing(channel);
            ClosedChannelException e = assertThrows(ClosedChannelException.class,
                    () -> poll.registry().reregister(source, 6, Interests.WRITABLE));
            assertEquals("Registry.reregister " + source + ": the channel was closed while it was being reregistered;"
                    + " if its number was reused meanwhile, the registration changed may have been the new file's",
                    e.getMessage());
        }
    }

    @Test
    void anOpenChannelIsRegisteredAsBefore() throws Exception {
        try (Poll poll = Poll.open("fake"); DatagramChannel channel = DatagramChannel.open()) {
            channel.configureBlocking(false);
            Source source = Source.of(channel);
            poll.registry().register(source, 5, Interests.READABLE);
            poll.registry().reregister(source, 6, Interests.WRITABLE);
            poll.registry().deregister(source);
            long fd = source.handle();
            assertEquals(List.of("register " + fd + " 5 READABLE (ONESHOT)", "reregister " + fd + " 6 WRITABLE (ONESHOT)",
                    "deregister " + fd), lastSelector().calls);
        }
    }
}
