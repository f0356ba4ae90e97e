package io.jpoll.bench;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Waits in a benchmark's setup until the ready set is fully visible to the contender, so the
 * first timed poll already sees it. Bounded: a contender that never sees it fails the setup.
 */
public final class Settle {
    private static final long LIMIT_NANOS = TimeUnit.SECONDS.toNanos(5);

    /** A poll as the benchmark does it; returns how many sources it reported. */
    @FunctionalInterface
    public interface Probe {
        int poll() throws IOException;
    }

    private Settle() {
    }

    public static void until(int expected, Probe probe, String what) throws IOException {
        long deadline = System.nanoTime() + LIMIT_NANOS;
        int seen;
        while ((seen = probe.poll()) != expected) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException(what + ": after 5 s of polling the contender still reports "
                        + seen + " ready sources, expected " + expected);
            }
            Thread.onSpinWait();
        }
    }
}
