package io.jpoll.it;

import io.jpoll.AlreadyRegisteredException;
import io.jpoll.Event;
import io.jpoll.Interests;
import io.jpoll.NotRegisteredException;
import io.jpoll.Source;
import io.jpoll.fd.FdNumbers;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static io.jpoll.it.Expect.readable;
import static io.jpoll.it.Expect.writable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** register, reregister and deregister: what each does to the events that follow. */
class RegistrationTest extends PollFixture {

    @Test
    @DisplayName("3. register, deregister, register again: only the new registration reports, once")
    void registerDeregisterRegisterAgain() throws Exception {
        DatagramChannel udp = udp();
        Source source = Source.of(udp);
        long first = 0x1111_0000_0000_0001L;
        long second = 0x2222_0000_0000_0002L;

        registry.register(source, first, Interests.WRITABLE);
        registry.deregister(source);
        registry.register(source, second, Interests.WRITABLE);

        List<Event> seen = expect(writable(second));
        assertTrue(seen.stream().noneMatch(e -> e.token() == first), () -> "the deregistered token came back: " + seen);
        expectNoEvents(); // ONESHOT: reported once, then quiet
    }

    @Test
    @DisplayName("3. register, deregister, register, deregister a ready socket: no events at all")
    void registerDeregisterTwiceLeavesNothing() throws Exception {
        Source source = Source.of(udp());
        registry.register(source, 1, Interests.WRITABLE.level());
        registry.deregister(source);
        registry.register(source, 2, Interests.WRITABLE.level());
        registry.deregister(source);
        expectNoEvents();
    }

    @Test
    @DisplayName("4. reregister replaces the token: UDP READABLE/1, reregister WRITABLE/2 -> (2, writable) only")
    void reregisterReplacesTokenAndInterests() throws Exception {
        Source source = Source.of(udp());
        registry.register(source, 1, Interests.READABLE);
        registry.reregister(source, 2, Interests.WRITABLE);

        List<Event> seen = expect(writable(2));
        assertTrue(seen.stream().allMatch(e -> e.token() == 2), () -> "only token 2 may report: " + seen);
        expectNoEvents();
    }

    @Test
    @DisplayName("5. register twice -> AlreadyRegisteredException, and the first registration still works")
    void registerTwiceFails() throws Exception {
        Source source = Source.of(udp());
        long token = 0x0BAD_CAFE_0000_0005L;
        registry.register(source, token, Interests.WRITABLE);

        AlreadyRegisteredException e = assertThrows(AlreadyRegisteredException.class,
                () -> registry.register(source, 6, Interests.READABLE));
        assertMentions(e, source);

        List<Event> seen = expect(writable(token));
        assertTrue(seen.stream().noneMatch(ev -> ev.token() == 6), () -> "the refused registration reported: " + seen);
    }

    @Test
    @DisplayName("5. reregister or deregister what is not registered -> NotRegisteredException")
    void unknownSourceIsNotRegistered() throws Exception {
        Source source = Source.of(udp());
        assertMentions(assertThrows(NotRegisteredException.class,
                () -> registry.reregister(source, 1, Interests.READABLE)), source);
        assertMentions(assertThrows(NotRegisteredException.class, () -> registry.deregister(source)), source);

        registry.register(source, 1, Interests.READABLE);
        registry.deregister(source);
        assertMentions(assertThrows(NotRegisteredException.class, () -> registry.deregister(source)), source);
        assertMentions(assertThrows(NotRegisteredException.class,
                () -> registry.reregister(source, 1, Interests.READABLE)), source);
    }

    @Test
    @DisabledOnOs(value = OS.WINDOWS, disabledReason = "Source.fd exists only on Unix")
    @DisplayName("5. a channel and its fd are one source: registering both -> AlreadyRegisteredException")
    void channelAndItsFdAreOneSource() throws Exception {
        Source viaChannel = Source.of(udp());
        Source viaFd = Source.fd((int) viaChannel.handle());
        assertEquals(viaChannel, viaFd);
        assertEquals(viaChannel.hashCode(), viaFd.hashCode());

        registry.register(viaChannel, 1, Interests.WRITABLE);
        assertThrows(AlreadyRegisteredException.class, () -> registry.register(viaFd, 2, Interests.WRITABLE));
        registry.deregister(viaFd);
        expectNoEvents();
    }

    @Test
    @DisplayName("6. listener READABLE, client connects, deregister -> no event; accept still succeeds")
    void deregisteredListenerIsQuietButAcceptWorks() throws Exception {
        ServerSocketChannel listener = listener();
        Source source = Source.of(listener);
        registry.register(source, 61, Interests.READABLE);
        connectedClient(listener.getLocalAddress());
        registry.deregister(source);
        expectNoEvents();

        // Register anew to learn, without sleeping, that the connection is queued.
        registry.register(source, 62, Interests.READABLE);
        expect(readable(62));
        assertNotNull(closeLater(listener.accept()), "accept after deregister and register");
    }

    @Test
    @DisplayName("6. deregister drops readiness the kernel had queued already: no event, accept succeeds")
    void deregisterDropsQueuedReadiness() throws Exception {
        ServerSocketChannel listener = listener();
        Source source = Source.of(listener);
        registry.register(source, 63, Interests.READABLE);
        connectedClient(listener.getLocalAddress());
        expect(readable(63));                 // the connection is definitely queued now
        registry.reregister(source, 64, Interests.READABLE); // re-armed while ready: queued again
        registry.deregister(source);
        expectNoEvents();
        assertNotNull(closeLater(listener.accept()), "the connection is still there to accept");
    }

    @Test
    @DisplayName("7. after deregister a TCP stream reports nothing, though data is pending and more arrives")
    void deregisteredStreamIsQuiet() throws Exception {
        StreamPair pair = tcpPair();
        Source source = Source.of(pair.server());
        registry.register(source, 71, Interests.READABLE);
        send(pair.client(), "first");
        expect(readable(71));                          // the data is in the socket now
        registry.reregister(source, 72, Interests.READABLE); // re-armed while readable
        registry.deregister(source);
        expectNoEvents();
        send(pair.client(), "second");
        expectNoEvents();

        // Both writes are there, in order; wait for the second via a fresh registration.
        registry.register(source, 73, Interests.READABLE);
        expect(readable(73));
        assertEquals("firstsecond", readOneshot(pair.server(), source, 73, "firstsecond".length()));
    }

    @Test
    @DisplayName("7. after deregister a UDP socket reports nothing, though datagrams are pending and more arrive")
    void deregisteredUdpIsQuiet() throws Exception {
        DatagramChannel receiver = udp();
        DatagramChannel sender = udp();
        Source source = Source.of(receiver);
        registry.register(source, 74, Interests.READABLE);
        sender.send(ascii("one"), receiver.getLocalAddress());
        expect(readable(74));
        registry.reregister(source, 75, Interests.READABLE);
        registry.deregister(source);
        expectNoEvents();
        sender.send(ascii("two"), receiver.getLocalAddress());
        expectNoEvents();

        assertEquals("one", receive(receiver));
        registry.register(source, 76, Interests.READABLE);
        expect(readable(76));
        assertEquals("two", receive(receiver));
    }

    @Test
    @DisplayName("every 64-bit token comes back intact: 0, 1, -1, MIN, MAX, 2^32+1, 2^32-1, 0xDEADBEEFCAFEBABE")
    void tokensKeepAll64Bits() throws Exception {
        // Pairs that share their low 32 bits (1 and 2^32+1, -1 and 2^32-1 sign-extended) catch truncation.
        long[] tokens = {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE, 0x1_0000_0001L, 0xFFFF_FFFFL, 0xDEADBEEFCAFEBABEL};
        Expect[] expected = new Expect[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            registry.register(Source.of(udp()), tokens[i], Interests.WRITABLE);
            expected[i] = writable(tokens[i]);
        }
        List<Event> seen = expect(expected);

        Map<Long, Integer> counts = new HashMap<>();
        for (Event e : seen) {
            counts.merge(e.token(), 1, Integer::sum);
        }
        Map<Long, Integer> once = new HashMap<>();
        for (long t : tokens) {
            once.put(t, 1);
        }
        assertEquals(once, counts, "each token exactly once (ONESHOT), no other token");
    }

    @Test
    @DisplayName("a channel closed while registered: a new channel that gets its descriptor number registers afresh")
    void closedWhileRegisteredThenNumberReused() throws Exception {
        DatagramChannel first = udp();
        Source old = Source.of(first);
        registry.register(old, 0x01D0_0000_0000_0001L, Interests.WRITABLE.level());
        first.close(); // without deregister, as programs do

        Source reused = successorOf(old);
        long fresh = 0x0E11_0000_0000_0002L;
        registry.register(reused, fresh, Interests.WRITABLE);
        List<Event> seen = expect(writable(fresh));
        assertTrue(seen.stream().allMatch(e -> e.token() == fresh), () -> "the closed channel's token came back: " + seen);
    }

    @Test
    @DisplayName("deregister of a closed channel's source leaves alone the channel that now has its number")
    void staleSourceDoesNotDeregisterItsSuccessor() throws Exception {
        DatagramChannel first = udp();
        Source stale = Source.of(first);
        registry.register(stale, 0x57A1_0000_0000_0001L, Interests.WRITABLE);
        first.close();

        Source successor = successorOf(stale);
        long token = 0x5CC0_0000_0000_0002L;
        registry.register(successor, token, Interests.WRITABLE);

        // The stale source names a closed channel, so it must not reach the successor's registration.
        assertThrows(ClosedChannelException.class, () -> registry.deregister(stale));
        expect(writable(token));
    }

    /**
     * A new channel whose descriptor number is that of {@code closed}'s (closed) channel. POSIX
     * hands out the lowest free number, but the JDK cannot be asked for a given one, and any thread
     * of the JVM may hold that number for a moment (HotSpot reads its cgroup files on its own
     * threads). So: a channel that lands below it stays open, filling a lower free number; one that
     * lands above it means another thread held the number, and is closed for the next try.
     * Windows hands out handles in no such order; there one try above it is enough to give up.
     */
    private Source successorOf(Source closed) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        int keptBelow = 0;
        for (;;) {
            DatagramChannel channel = udp();
            Source candidate = Source.of(channel);
            if (candidate.equals(closed)) {
                return candidate;
            }
            if (candidate.handle() < closed.handle()) {
                if (++keptBelow == 64) {
                    break;
                }
                continue;
            }
            channel.close();
            if (OS.current() == OS.WINDOWS || System.nanoTime() - deadline > 0) {
                break;
            }
            LockSupport.parkNanos(200_000);
        }
        Assumptions.abort("the OS did not reuse the number " + closed.handle()
                + (OS.current() != OS.WINDOWS && FdNumbers.isOpen((int) closed.handle())
                ? ": another thread of the JVM holds it" : ""));
        return null;
    }

    private static String receive(DatagramChannel channel) throws Exception {
        ByteBuffer buffer = ByteBuffer.allocate(64);
        assertNotNull(channel.receive(buffer), "a datagram is waiting");
        String s = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII);
        buffer.clear();
        return s;
    }

    /** The registry's exceptions name the source's descriptor. */
    static void assertMentions(Exception e, Source source) {
        String message = e.getMessage();
        assertNotNull(message, e.getClass().getName() + " without a message");
        assertTrue(message.contains(Long.toString(source.handle())),
                () -> "'" + message + "' does not name the descriptor " + source.handle());
    }

    @Test
    @DisplayName("7. a UDP socket that was never ready stays quiet: nothing arrives, nothing is reported")
    void idleUdpIsQuiet() throws Exception {
        DatagramChannel udp = udp();
        registry.register(Source.of(udp), 77, Interests.READABLE.level());
        expectNoEvents();
        assertNull(udp.receive(ByteBuffer.allocate(8)));
    }

    @Test
    @DisplayName("a connecting stream registered READABLE only does not report its writability")
    void interestsFilterKinds() throws Exception {
        ServerSocketChannel listener = listener();
        SocketChannel client = connectedClient(listener.getLocalAddress());
        registry.register(Source.of(client), 78, Interests.READABLE);
        expectNoEvents();
    }
}
