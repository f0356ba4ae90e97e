package io.jpoll.it;

import io.jpoll.Events;
import io.jpoll.Interests;
import io.jpoll.Poll;
import io.jpoll.Source;
import io.jpoll.Waker;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.channels.Pipe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The happens-before edge jpoll promises: what a thread wrote before {@code reregister} (or
 * {@code Waker.wake}) is visible to the thread whose poll returns the event that call armed.
 * The state handed over lives in plain fields, and the threads share no lock, volatile or atomic
 * while they hand it over; only jpoll connects them. Each receiver checks that every field of the
 * previous round arrived, and every round is handled exactly once.
 */
class HandOffTest extends PollFixture {
    private static final long TOKEN = 0x4A_0D0F_0000_0001L;
    private static final int ROUNDS = 50_000;
    private static final Duration SLICE = Duration.ofMillis(50);

    /** Written and read with plain accesses only. */
    private static final class State {
        long round;
        long triple;
        long inverse = ~0L;
        final long[] ring = new long[64];

        /** Null when the fields hold one consistent round; else what is wrong. */
        String check() {
            long r = round;
            if (triple != r * 3 || inverse != ~r || ring[(int) (r & 63)] != r) {
                return "round " + r + ": triple=" + triple + " inverse=" + inverse + " ring=" + ring[(int) (r & 63)];
            }
            return null;
        }

        /** Moves to the next round, the round number last. */
        long advance() {
            long r = round + 1;
            ring[(int) (r & 63)] = r;
            triple = r * 3;
            inverse = ~r;
            round = r;
            return r;
        }
    }

    /** What one thread saw, read by the test after join (which orders it). */
    private static final class Seen {
        final BitSet rounds = new BitSet(ROUNDS);
        final List<String> problems = new ArrayList<>();
        Throwable thrown;
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    @DisplayName("ONESHOT hand-off between two pollers: plain writes before reregister are seen by the next receiver")
    void oneshotHandOff() throws Exception {
        Pipe pipe = pipe();
        send(pipe.sink(), "x"); // never read: the source stays readable, each arm gives one event
        Source source = Source.of(pipe.source());
        State state = new State();
        AtomicBoolean stop = new AtomicBoolean(); // written once, at the end
        registry.register(source, TOKEN, Interests.READABLE);

        Seen[] seen = {new Seen(), new Seen()};
        Thread[] pollers = new Thread[2];
        for (int p = 0; p < 2; p++) {
            Seen mine = seen[p];
            pollers[p] = new Thread(() -> {
                Events own = new Events(4);
                try {
                    while (!stop.get()) {
                        poll.poll(own, SLICE);
                        for (int i = 0; i < own.size(); i++) {
                            if (own.token(i) != TOKEN) {
                                mine.problems.add("a foreign token " + own.token(i));
                                continue;
                            }
                            String problem = state.check();
                            if (problem != null) {
                                mine.problems.add(problem);
                            }
                            long r = state.round;
                            if (mine.rounds.get((int) r)) {
                                mine.problems.add("round " + r + " twice on one thread");
                            }
                            mine.rounds.set((int) r);
                            if (state.advance() == ROUNDS) {
                                stop.set(true);
                            } else {
                                registry.reregister(source, TOKEN, Interests.READABLE);
                            }
                        }
                    }
                } catch (Throwable t) {
                    mine.thrown = t;
                    stop.set(true);
                }
            }, "poller-" + p);
            pollers[p].start();
        }
        for (Thread t : pollers) {
            t.join(TimeUnit.SECONDS.toMillis(100));
            assertFalse(t.isAlive(), t.getName() + " did not finish");
        }
        assertHandedOver(seen);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    @DisplayName("Waker hand-off, ping-pong between two Polls: plain writes before wake are seen by the woken poll")
    void wakerHandOff() throws Exception {
        Poll other = closeLater(Poll.open());
        Waker toOther = other.waker(TOKEN);
        Waker toThis = poll.waker(TOKEN);
        State state = new State();
        AtomicBoolean stop = new AtomicBoolean();
        Seen[] seen = {new Seen(), new Seen()};
        Poll[] polls = {poll, other};
        Waker[] next = {toOther, toThis};
        Thread[] threads = new Thread[2];
        for (int p = 0; p < 2; p++) {
            Seen mine = seen[p];
            Poll own = polls[p];
            Waker wake = next[p];
            threads[p] = new Thread(() -> {
                Events events = new Events(4);
                try {
                    while (!stop.get()) {
                        if (own.poll(events, SLICE) == 0) {
                            continue;
                        }
                        String problem = state.check();
                        if (problem != null) {
                            mine.problems.add(problem);
                        }
                        mine.rounds.set((int) state.round);
                        if (state.advance() == ROUNDS) {
                            stop.set(true);
                        } else {
                            wake.wake();
                        }
                    }
                } catch (Throwable t) {
                    mine.thrown = t;
                    stop.set(true);
                }
            }, "ping-pong-" + p);
        }
        threads[0].start();
        threads[1].start();
        toThis.wake(); // round 0 goes to this Poll's thread
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(100));
            assertFalse(t.isAlive(), t.getName() + " did not finish");
        }
        assertHandedOver(seen);
    }

    private static void assertHandedOver(Seen[] seen) {
        for (Seen s : seen) {
            if (s.thrown != null) {
                throw new AssertionError("a poller failed", s.thrown);
            }
            assertTrue(s.problems.isEmpty(), () -> s.problems.size() + " problems, first: " + s.problems.subList(0, Math.min(5, s.problems.size())));
        }
        BitSet both = (BitSet) seen[0].rounds.clone();
        both.and(seen[1].rounds);
        assertTrue(both.isEmpty(), () -> "rounds handled by both threads: " + both);
        BitSet all = (BitSet) seen[0].rounds.clone();
        all.or(seen[1].rounds);
        assertEquals(ROUNDS, all.cardinality(), "every round handled once");
        assertEquals(ROUNDS, all.nextClearBit(0));
    }
}
