package io.jpoll.hardening;

import io.jpoll.Events;
import io.jpoll.Poll;
import io.jpoll.Timer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 10,000 armed timers in one Poll cost no thread, fire only when due, and leave no descriptor
 * behind once the Poll closes, whether each timer was closed first or left to the Poll.
 */
@Timeout(120)
class ManyTimersTest {
    private static final int TIMERS = 10_000;

    @Test
    void tenThousandArmedTimersAddNoThreadAndLeakNoDescriptor() throws Exception {
        try (Poll warm = Poll.open()) { // the backend's classes and its one-off descriptors
            warm.timer(0).set(Duration.ZERO);
            warm.poll(new Events(4), Duration.ofSeconds(1));
        }
        for (boolean closeEach : new boolean[]{false, true}) {
            ProcessResources.settle();
            Map<Integer, String> fdsBefore = ProcessResources.fdTargets();
            int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
            List<Timer> timers = new ArrayList<>(TIMERS);
            try (Poll poll = Poll.open()) {
                for (int i = 0; i < TIMERS; i++) {
                    Timer t = poll.timer(i);
                    // All far away, but the one in the middle.
                    t.set(i == TIMERS / 2 ? Duration.ofMillis(20) : Duration.ofHours(1 + i % 7), Duration.ofHours(1));
                    timers.add(t);
                }
                assertEquals(threadsBefore, ManagementFactory.getThreadMXBean().getThreadCount(), "threads");
                Events events = new Events(64);
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (poll.poll(events, Duration.ofSeconds(1)) == 0) {
                    assertTrue(System.nanoTime() < deadline, "the due timer never fired");
                }
                assertEquals(1, events.size());
                assertEquals(TIMERS / 2, events.token(0));
                assertEquals(1, events.expirations(0));
                assertEquals(0, poll.poll(events, Duration.ofMillis(30)), "the others are not due");
                if (closeEach) {
                    for (Timer t : timers) {
                        t.close();
                    }
                }
            }
            for (Timer t : timers) {
                t.set(Duration.ZERO); // inert
                t.close();
            }
            ProcessResources.settle();
            ProcessResources.assertSameFds(fdsBefore, ProcessResources.fdTargets(),
                    () -> TIMERS + " timers, " + (closeEach ? "each closed" : "left to Poll.close"));
        }
    }
}
