package io.jpoll.hardening;

import io.jpoll.ClosedPollException;
import io.jpoll.Events;
import io.jpoll.Interests;
import io.jpoll.Poll;
import io.jpoll.Source;
import io.jpoll.Waker;
import io.jpoll.fd.FdNumbers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A Waker or Registry used after its Poll (or the waker itself) closed must not touch the
 * descriptor numbers it used to own: the OS hands them to the next file opened.
 */
@Timeout(30)
class FdReuseTest {
    private static final Duration QUIET = Duration.ofMillis(200);
    private static final long TAKE_OVER_MILLIS = 5_000;

    /**
     * Portable: a second Poll opened right after the first closed gets the first one's numbers
     * (Unix hands out the lowest free descriptor), and the first Poll's waker and registry must
     * not reach it.
     */
    @Test
    void closedPollNeverReachesTheNextPoll() throws Exception {
        try (ReadyPair pair = ReadyPair.pipe()) {
            Poll first = Poll.open();
            Waker staleWaker = first.waker(111);
            first.close();

            try (Poll second = Poll.open(); Waker freshWaker = second.waker(222)) {
                staleWaker.wake(); // a no-op now
                assertThrows(ClosedPollException.class,
                        () -> first.registry().register(pair.source(), 333, Interests.READABLE));
                Events events = new Events(8);
                assertEquals(0, second.poll(events, QUIET), () -> "the closed Poll's waker or registry reached the new one: " + events);

                // The new Poll works, and holds no registration the old registry could have made.
                second.registry().register(pair.source(), 444, Interests.READABLE);
                pair.writeOne();
                freshWaker.wake();
                Set<Long> tokens = new HashSet<>();
                long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                while (tokens.size() < 2 && System.nanoTime() < deadline) {
                    second.poll(events, Duration.ofSeconds(1));
                    events.forEach(e -> tokens.add(e.token()));
                }
                assertEquals(Set.of(222L, 444L), tokens);
            }
        }
    }

    /**
     * Linux, exact: every descriptor number the Poll and its wakers held is taken over by the write
     * end of a fresh pipe; a wake through the closed waker, and registry calls on the closed Poll,
     * must leave every pipe empty. A direct write to each number first proves the pipes would see it.
     */
    @Test
    @EnabledOnOs(OS.LINUX)
    void wakerAndRegistryNeverWriteToAReusedDescriptor() throws Exception {
        assumeTrue(LinuxC.SUPPORTED, "needs a 64-bit Linux with the generic syscall numbers (not alpha, mips64, sparc64, parisc, ia64) for the raw pipe helpers");
        List<int[]> pipes = new ArrayList<>();
        List<int[]> spare = new ArrayList<>();
        try {
            Set<Integer> before = ProcessResources.fdTargets().keySet();
            Poll poll = Poll.open();
            Waker waker = poll.waker(1);
            Waker closedEarly = poll.waker(2);
            Set<Integer> owned = new HashSet<>(ProcessResources.fdTargets().keySet());
            owned.removeAll(before);
            assertTrue(owned.size() >= 2, () -> "the Poll and its wakers hold no descriptors of their own? " + owned);
            // Made now, while the numbers are taken, so pipe2 cannot land on them by itself.
            for (int i = 0; i < owned.size(); i++) {
                spare.add(LinuxC.pipe());
            }

            // A waker closed while its Poll stays open.
            Set<Integer> withEarly = new HashSet<>(ProcessResources.fdTargets().keySet());
            closedEarly.close();
            Set<Integer> freedByWaker = new HashSet<>(withEarly);
            freedByWaker.removeAll(ProcessResources.fdTargets().keySet());
            takeOver(freedByWaker, spare, pipes);
            closedEarly.wake();
            assertPipesEmpty(pipes, "wake() on a closed waker");

            // The whole Poll.
            poll.close();
            Set<Integer> rest = new HashSet<>(owned);
            rest.removeAll(freedByWaker);
            takeOver(rest, spare, pipes);
            waker.wake();
            closedEarly.wake();
            int someNumber = rest.iterator().next();
            assertThrows(ClosedPollException.class, () -> poll.registry().register(Source.fd(pipes.get(0)[0]), 5, Interests.READABLE));
            assertThrows(ClosedPollException.class, () -> poll.registry().reregister(Source.fd(someNumber), 5, Interests.WRITABLE));
            assertThrows(ClosedPollException.class, () -> poll.registry().deregister(Source.fd(someNumber)));
            assertThrows(ClosedPollException.class, () -> poll.poll(new Events(1), Duration.ZERO));
            assertThrows(ClosedPollException.class, () -> poll.waker(6));
            waker.close();
            assertPipesEmpty(pipes, "wake(), register, reregister, deregister, poll and waker after close()");

            // Control: the numbers really are those pipes' write ends, and a write would have shown.
            byte[] eight = new byte[8];
            for (int[] p : pipes) {
                assertEquals(8, LinuxC.write(p[2], eight, 8));
                assertEquals(8, LinuxC.available(p[0]), "pipe behind reused fd " + p[2]);
            }
        } finally {
            pipes.addAll(spare);
            for (int[] p : pipes) {
                for (int fd : p) {
                    LinuxC.close(fd);
                }
            }
        }
    }

    /**
     * For each freed number: a spare pipe whose write end is duplicated onto it: {read, write, number}.
     * Not with dup2: another thread of the JVM (HotSpot reads its cgroup files on its own threads)
     * may hold the number for a moment, and dup2 would close that thread's file. FdNumbers.dupOnto
     * retries F_DUPFD until the number is free and never touches it while it is someone else's.
     */
    private static void takeOver(Set<Integer> numbers, List<int[]> spare, List<int[]> pipes) {
        Map<Integer, String> open = ProcessResources.fdTargets();
        for (int n : numbers) {
            assertFalse(open.containsKey(n), () -> "fd " + n + " is still open after its owner closed: " + open.get(n));
        }
        for (int n : numbers) {
            int[] p = spare.remove(spare.size() - 1);
            if (!FdNumbers.dupOnto(p[1], n, TAKE_OVER_MILLIS)) {
                spare.add(p);
                fail("fd " + n + " was held by another thread for " + TAKE_OVER_MILLIS + " ms after jpoll released it: "
                        + ProcessResources.fdTargets().get(n));
            }
            pipes.add(new int[]{p[0], p[1], n});
        }
    }

    private static void assertPipesEmpty(List<int[]> pipes, String what) {
        for (int[] p : pipes) {
            assertEquals(0, LinuxC.available(p[0]), () -> what + " wrote to fd " + p[2] + ", which a pipe now owns");
        }
    }
}
