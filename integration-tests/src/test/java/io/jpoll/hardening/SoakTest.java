package io.jpoll.hardening;

import io.jpoll.Events;
import io.jpoll.Poll;
import io.jpoll.Trigger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stress mix for as long as {@code -Djpoll.soak.minutes=N} says, for a run before a release;
 * not part of CI. Each round runs the ONESHOT and EDGE models, 200 close-race rounds, 2,000 Poll
 * lifecycles and 20,000 register/deregister pairs, each with a new seed; at the end descriptors
 * and live JNA Memory blocks must be back at their baseline and the C heap and RSS within a
 * tolerance. Run it with:
 *
 * <pre>
 * ./mvnw -B -pl integration-tests -am verify -Djpoll.soak.minutes=10 -Dtest=SoakTest -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
@Tag("stress")
@EnabledIfSystemProperty(named = SoakTest.PROPERTY, matches = "[1-9][0-9]*")
class SoakTest {
    static final String PROPERTY = "jpoll.soak.minutes";
    static final long MALLOC_TOLERANCE_KIB = 16 * 1024;
    static final long RSS_TOLERANCE_KIB = 48 * 1024;

    @Test
    @Timeout(value = 7, unit = TimeUnit.DAYS) // the real bound is the preemptive one below: N + 15 minutes
    void stressMixForTheGivenMinutes() {
        Duration budget = Duration.ofMinutes(Long.parseLong(System.getProperty(PROPERTY)));
        assertTimeoutPreemptively(budget.plusMinutes(15), () -> soak(budget));
    }

    private static void soak(Duration budget) throws Exception {
        long firstSeed = Seeds.next();
        System.out.println("[soak] " + budget.toMinutes() + " minutes, first " + Seeds.replay(firstSeed));
        Events events = LeakCycles.events();
        List<ReadyPair> pairs = LeakCycles.openPairs(4);
        try (Poll churn = Poll.open()) {
            LeakCycles.lifecycles(1_000, events);
            LeakCycles.registrations(churn, pairs, 20_000);
            Map<Integer, String> fdsBefore = ProcessResources.fdTargets();
            long mallocBefore = ProcessResources.mallocInUse() >> 10;
            int memoryBefore = ProcessResources.jnaMemoryLiveSettled();
            long rssBefore = ProcessResources.rssKiB();

            long start = System.nanoTime();
            long deadline = start + budget.toNanos();
            long seed = firstSeed;
            long rounds = 0, modelOps = 0, modelEvents = 0, arms = 0, bytes = 0, closeRounds = 0, lifecycles = 0,
                    registrations = 0, maxCloseMicros = 0;
            while (System.nanoTime() < deadline) {
                for (Trigger trigger : new Trigger[]{Trigger.ONESHOT, Trigger.EDGE}) {
                    ReadinessModel.Result r = new ReadinessModel(trigger, seed++, ReadinessModelTest.MUTATORS,
                            ReadinessModelTest.SOURCES_PER_MUTATOR, ReadinessModelTest.POLLERS, 5_000,
                            Duration.ofSeconds(30)).run();
                    assertTrue(r.failures.isEmpty(), () -> r + "\n  " + String.join("\n  ", r.failures));
                    modelOps += r.operations;
                    modelEvents += r.eventsChecked;
                    arms += r.arms;
                    bytes += r.bytesRead;
                }
                CloseRaces.Result c = CloseRaces.run(200, seed++);
                assertTrue(c.failures.isEmpty(), () -> c + "\n  " + String.join("\n  ", c.failures));
                closeRounds += c.rounds;
                maxCloseMicros = Math.max(maxCloseMicros, c.maxReturnMicros);
                LeakCycles.lifecycles(2_000, events);
                lifecycles += 2_000;
                LeakCycles.registrations(churn, pairs, 20_000);
                registrations += 20_000;
                rounds++;
                System.out.println("[soak] round " + rounds + " at " + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)
                        + " s: " + ProcessResources.snapshot());
            }
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);

            Map<Integer, String> fdsAfter = ProcessResources.fdTargets();
            long mallocAfter = ProcessResources.mallocInUse() >> 10;
            int memoryAfter = ProcessResources.jnaMemoryLiveSettled();
            long rssAfter = ProcessResources.rssKiB();
            String report = "[soak] " + seconds + " s, " + rounds + " rounds, seeds " + firstSeed + ".." + (seed - 1)
                    + ": models " + modelOps + " registry operations, " + arms + " arms, " + modelEvents
                    + " events checked, " + bytes + " EDGE bytes drained; " + closeRounds
                    + " close-race rounds (slowest thread " + maxCloseMicros + " us after close); " + lifecycles
                    + " Poll lifecycles; " + registrations + " register/deregister pairs; fds " + fdsBefore.size()
                    + " -> " + fdsAfter.size() + ", JNA Memory blocks " + memoryBefore + " -> " + memoryAfter
                    + ", malloc " + mallocBefore + " -> " + mallocAfter + " KiB, RSS " + rssBefore + " -> " + rssAfter + " KiB";
            System.out.println(report);
            ProcessResources.assertSameFds(fdsBefore, fdsAfter, () -> report);
            assertTrue(memoryAfter <= memoryBefore, report);
            if (mallocBefore >= 0) {
                assertTrue(mallocAfter - mallocBefore <= MALLOC_TOLERANCE_KIB, report);
            }
            if (rssBefore >= 0) {
                assertTrue(rssAfter - rssBefore <= RSS_TOLERANCE_KIB, report);
            }
        } finally {
            LeakCycles.closeAll(pairs);
        }
    }
}
