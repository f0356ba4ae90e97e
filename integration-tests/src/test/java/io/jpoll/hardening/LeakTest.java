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
 *
 * <p>The JVM's own work does not repeat: the JIT compiles the workload's methods once, into arenas
 * it mallocs (seen in CI: malloc up 8.5 MiB in one batch of 10,000 lifecycles while RSS moved
 * 0.5 MiB, with every descriptor and Memory block back where it was). A leak repeats in every
 * batch. So each workload runs in {@link #BATCHES} batches: descriptors and Memory blocks must
 * match exactly after each, and the C heap and RSS must stay within the tolerance in at least
 * one. A leak of more than 839 bytes a cycle (8 MiB / 10,000) still fails every batch.
 */
@Tag("stress")
class LeakTest {
    static final int LIFECYCLES = 10_000;
    static final int REGISTRATION_PAIRS = 100_000;
    static final long MALLOC_TOLERANCE_KIB = 8 * 1024;
    static final long RSS_TOLERANCE_KIB = 16 * 1024;
    static final int BATCHES = 3;

    @Test
    @Timeout(180)
    void pollLifecyclesLeaveNothingBehind() throws Exception {
        Events events = LeakCycles.events();
        LeakCycles.lifecycles(3_000, events); // warm-up: JIT, class loading, JNA's caches
        inBatches(LIFECYCLES + " open/waker/wake/poll/close cycles", () -> LeakCycles.lifecycles(LIFECYCLES, events));
    }

    @Test
    @Timeout(180)
    void registrationChurnLeavesNothingBehind() throws Exception {
        List<ReadyPair> pairs = LeakCycles.openPairs(4);
        try (Poll poll = Poll.open()) {
            LeakCycles.registrations(poll, pairs, 50_000); // warm-up
            inBatches(REGISTRATION_PAIRS + " register/deregister pairs",
                    () -> LeakCycles.registrations(poll, pairs, REGISTRATION_PAIRS));
        } finally {
            LeakCycles.closeAll(pairs);
        }
    }

    interface Workload {
        void run() throws Exception;
    }

    /** Runs the workload {@link #BATCHES} times; see the class comment for what each must show. */
    static void inBatches(String what, Workload workload) throws Exception {
        long leastMalloc = Long.MAX_VALUE;
        long leastRss = Long.MAX_VALUE;
        boolean mallocKnown = true;
        boolean rssKnown = true;
        StringBuilder reports = new StringBuilder();
        for (int batch = 1; batch <= BATCHES; batch++) {
            Baseline before = Baseline.take();
            long start = System.nanoTime();
            workload.run();
            long millis = (System.nanoTime() - start) / 1_000_000;
            Baseline after = before.assertExact(what + " (batch " + batch + " of " + BATCHES + ") in " + millis + " ms");
            reports.append("\n  ").append(before.report(after, what + ", batch " + batch));
            mallocKnown &= before.mallocKiB >= 0;
            rssKnown &= before.rssKiB >= 0;
            leastMalloc = Math.min(leastMalloc, after.mallocKiB - before.mallocKiB);
            leastRss = Math.min(leastRss, after.rssKiB - before.rssKiB);
        }
        String all = reports.toString();
        if (mallocKnown) {
            long grew = leastMalloc;
            assertTrue(grew <= MALLOC_TOLERANCE_KIB,
                    () -> "the C heap grew by more than " + MALLOC_TOLERANCE_KIB + " KiB in every batch:" + all);
        }
        if (rssKnown) {
            long grew = leastRss;
            assertTrue(grew <= RSS_TOLERANCE_KIB,
                    () -> "RSS grew by more than " + RSS_TOLERANCE_KIB + " KiB in every batch:" + all);
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

        /** Checks what must match exactly (descriptors, live Memory blocks); returns the figures after. */
        Baseline assertExact(String what) {
            long malloc = ProcessResources.mallocInUse() >> 10;
            int memory = ProcessResources.jnaMemoryLiveSettled();
            Baseline after = new Baseline(ProcessResources.fdTargets(), memory, malloc, ProcessResources.rssKiB());
            String report = report(after, what);
            System.out.println("[hardening] " + report);
            ProcessResources.assertSameFds(fds, after.fds, () -> report);
            if (jnaMemory >= 0) {
                assertTrue(after.jnaMemory <= jnaMemory, () -> report + ": live JNA Memory blocks grew");
            }
            return after;
        }

        String report(Baseline after, String what) {
            return what + ": fds " + fds.size() + " -> " + after.fds.size() + ", JNA Memory blocks " + jnaMemory + " -> "
                    + after.jnaMemory + ", malloc " + mallocKiB + " -> " + after.mallocKiB + " KiB, RSS " + rssKiB
                    + " -> " + after.rssKiB + " KiB";
        }
    }
}
