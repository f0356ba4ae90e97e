package io.jpoll.hardening;

import java.util.SplittableRandom;

/**
 * The seed of a randomised run: {@code -Djpoll.stress.seed=N} replays one, otherwise a fresh seed
 * is drawn. Every model run prints its seed first and puts it in its failure message.
 */
final class Seeds {
    static final String PROPERTY = "jpoll.stress.seed";

    private Seeds() {
    }

    static long next() {
        String fixed = System.getProperty(PROPERTY);
        if (fixed != null && !fixed.isBlank()) {
            return Long.parseLong(fixed.trim());
        }
        return new SplittableRandom().nextLong();
    }

    static String replay(long seed) {
        return "seed " + seed + " (replay with -D" + PROPERTY + "=" + seed + ")";
    }
}
