package io.jpoll.hardening;

import io.jpoll.Poll;
import io.jpoll.Trigger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Lost and duplicated events: 8 mutator threads, 2 pollers and a writer against the model in
 * {@link ReadinessModel}, once per trigger the issue names. Public API only: any backend.
 */
@Tag("stress")
class ReadinessModelTest {
    static final int MUTATORS = 8;
    static final int SOURCES_PER_MUTATOR = 4;
    static final int POLLERS = 2;
    static final long OPS_PER_MUTATOR = 40_000;
    static final Duration MAX_RUN = Duration.ofSeconds(60);

    @Test
    @Timeout(150)
    void oneshotDeliversEveryArmExactlyOnceToOnePoller() throws Exception {
        run(Trigger.ONESHOT);
    }

    @Test
    @Timeout(150)
    void edgeMissesNoReadinessWhenReadersDrain() throws Exception {
        run(Trigger.EDGE);
    }

    static ReadinessModel.Result run(Trigger trigger) throws Exception {
        try (Poll probe = Poll.open()) {
            assumeTrue(probe.supports(trigger), probe.backend() + " does not support " + trigger);
        }
        long seed = Seeds.next();
        System.out.println("[hardening] " + trigger + " model starting, " + Seeds.replay(seed));
        ReadinessModel.Result r = new ReadinessModel(trigger, seed, MUTATORS, SOURCES_PER_MUTATOR, POLLERS,
                OPS_PER_MUTATOR, MAX_RUN).run();
        System.out.println("[hardening] " + r);
        assertTrue(r.failures.isEmpty(), () -> r + "\n  " + String.join("\n  ", r.failures));
        // A run that did almost nothing proves nothing.
        assertTrue(r.eventsChecked >= 1_000 && r.operations >= 1_000, () -> "too little happened: " + r);
        return r;
    }
}
