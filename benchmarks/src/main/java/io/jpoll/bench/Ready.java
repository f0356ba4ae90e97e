package io.jpoll.bench;

/**
 * Picks which of {@code total} registrations are made ready: spread evenly, so the ready ones
 * are not all neighbours in whatever table the contender keeps.
 */
public final class Ready {
    private Ready() {
    }

    public static int[] spread(int total, int ready) {
        if (ready < 1 || ready > total) {
            throw new IllegalArgumentException("Ready.spread: ready must be 1 to " + total + ", was " + ready);
        }
        int[] picked = new int[ready];
        for (int i = 0; i < ready; i++) {
            picked[i] = (int) ((long) i * total / ready);
        }
        return picked;
    }

    /** Fails a benchmark whose poll did not see exactly the ready set: its number would be a lie. */
    public static void check(String what, int expected, int seen) {
        if (seen != expected) {
            throw new IllegalStateException(what + ": expected " + expected + " ready, the poll returned " + seen);
        }
    }
}
