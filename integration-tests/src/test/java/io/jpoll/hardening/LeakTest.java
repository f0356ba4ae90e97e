package io.jpoll.hardening;

import io.jpoll.Events;
import io.jpoll.Poll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 10,000 Poll lifecycles and 100,000 register/deregister pairs leave descriptors, live JNA Memory
 * blocks, the C heap and RSS where they were. Descriptors and Memory blocks must match exactly; the
 * C heap (glibc mallinfo2) and RSS move with the JVM's own work, so they get a tolerance that is
 * still far below what one leaked event buffer per cycle would add (12 KiB x 10,000 = 120 MiB).
 */
@Tag("stress")
class LeakTest {
    static final int LIFECYCLES = 10_000;
    static final int REGISTRATION_PAIRS = 100_000;
    static final long MALLOC_TOLERANCE_KIB = 8 * 1024;
    static final long RSS_TOLERANCE_KIB = 16 * 1024;

    @Test
    @Timeout(180)
    void pollLifecyclesLeaveNothingBehind() throws Exception {
        Events events = LeakCycles.events();
        LeakCycles.lifecycles(3_000, events); // warm-up: JIT, class loading, JNA's caches
        Baseline before = Baseline.take();
        long start = System.nanoTime();
        LeakCycles.lifecycles(LIFECYCLES, events);
        long millis = (System.nanoTime() - start) / 1_000_000;
        before.assertUnchanged(LIFECYCLES + " open/waker/wake/poll/close cycles in " + millis + " ms");
    }

    @Test
    @Timeout(180)
    void registrationChurnLeavesNothingBehind() throws Exception {
        List<ReadyPair> pairs = LeakCycles.openPairs(4);
        try (Poll poll = Poll.open()) {
            LeakCycles.registrations(poll, pairs, 50_000); // warm-up
            Baseline before = Baseline.take();
            long start = System.nanoTime();
            LeakCycles.registrations(poll, pairs, REGISTRATION_PAIRS);
            long millis = (System.nanoTime() - start) / 1_000_000;
            before.assertUnchanged(REGISTRATION_PAIRS + " register/deregister pairs in " + millis + " ms");
        } finally {
            LeakCycles.closeAll(pairs);
        }
    }

    /** The figures before a workload, and the check after it. */
    static final class Baseline {
        final Map<Integer, String> fds;
        final int jnaMemory;
        final long mallocKiB;
        final long rssKiB;

        private Baseline(Map<Integer, String> fds, int jnaMemory, long mallocKiB, long rssKiB) {
            this.fds = fds;
            this.jnaMemory = jnaMemory;
            this.mallocKiB = mallocKiB;
            this.rssKiB = rssKiB;
        }

        static Baseline take() {
            long malloc = ProcessResources.mallocInUse() >> 10;
            int memory = ProcessResources.jnaMemoryLiveSettled();
            return new Baseline(ProcessResources.fdTargets(), memory, malloc, ProcessResources.rssKiB());
        }

        void assertUnchanged(String what) {
            long malloc = ProcessResources.mallocInUse() >> 10;
            int memory = ProcessResources.jnaMemoryLiveSettled();
            Baseline after = new Baseline(ProcessResources.fdTargets(), memory, malloc, ProcessResources.rssKiB());
            String report = what + ": fds " + fds.size() + " -> " + after.fds.size() + ", JNA Memory blocks " + jnaMemory + " -> "
                    + after.jnaMemory + ", malloc " + mallocKiB + " -> " + after.mallocKiB + " KiB, RSS " + rssKiB
                    + " -> " + after.rssKiB + " KiB";
            System.out.println("[hardening] " + report);
            ProcessResources.assertSameFds(fds, after.fds, () -> report);
            if (jnaMemory >= 0) {
                assertTrue(after.jnaMemory <= jnaMemory, () -> report + ": live JNA Memory blocks grew");
            }
            if (mallocKiB >= 0) {
                assertTrue(after.mallocKiB - mallocKiB <= MALLOC_TOLERANCE_KIB,
                        () -> report + ": the C heap grew by more than " + MALLOC_TOLERANCE_KIB + " KiB");
            }
            if (rssKiB >= 0) {
                assertTrue(after.rssKiB - rssKiB <= RSS_TOLERANCE_KIB,
                        () -> report + ": RSS grew by more than " + RSS_TOLERANCE_KIB + " KiB");
            }
        }
    }
}
