package io.jpoll.examples;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Bounded waits for things that raise no event a test could block on (a server closing a socket,
 * a count in another thread). Each checks a condition until it holds or the deadline passes.
 */
final class Await {
    static final Duration PATIENCE = Duration.ofSeconds(10);

    private Await() {
    }

    static void until(String what, BooleanSupplier condition) {
        until(what, condition, () -> "");
    }

    /** Fails naming {@code what} and the state {@code detail} reports if the deadline passes. */
    static void until(String what, BooleanSupplier condition, Supplier<String> detail) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("not within " + PATIENCE.toSeconds() + " s: " + what + " " + detail.get());
            }
            try {
                Thread.sleep(2); // a polling interval, not a synchronisation: the condition decides
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted while waiting for " + what);
            }
        }
    }
}
