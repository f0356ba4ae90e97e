package io.jpoll.bench.report;

/**
 * One goal from the benchmark issue, evaluated: jpoll's number, the reference's, how they compare
 * and whether that is on the right side of the goal.
 *
 * @param met     null when it could not be evaluated; {@code missing} says why
 * @param missing why it could not be evaluated, or null
 */
record Target(String id, String what, String jpoll, String reference, String comparison, String goal,
              Boolean met, String missing) {

    /** jpoll/reference must be at most {@code limit} (times, latencies). */
    static Target atMost(String id, String what, double jpoll, double reference, String unit, double limit) {
        double ratio = jpoll / reference;
        return new Target(id, what, Format.value(jpoll, unit), Format.value(reference, unit), Format.ratio(ratio),
                "<= " + Format.ratio(limit), ratio <= limit, null);
    }

    /** jpoll/reference must be at least {@code limit} (throughputs). */
    static Target atLeast(String id, String what, double jpoll, double reference, String unit, double limit) {
        double ratio = jpoll / reference;
        return new Target(id, what, Format.value(jpoll, unit), Format.value(reference, unit), Format.ratio(ratio),
                ">= " + Format.ratio(limit), ratio >= limit, null);
    }

    /**
     * jpoll's steady state must allocate nothing: judged on the exact count of the benchmark
     * thread's allocation (the quietest of three rounds is 0 when nothing is allocated per
     * operation), shown beside JMH's {@code -prof gc} figure.
     */
    static Target zeroAllocation(String id, String what, Allocations.Count exact, double jmhBytes,
                                 String reference) {
        return new Target(id, what, Format.bytes4(exact.least()) + " B/op exact (JMH: " + Format.bytes(jmhBytes) + ")",
                reference, "-", "0 B/op", exact.least() == 0, null);
    }

    static Target missing(String id, String what, String goal, String why) {
        return new Target(id, what, "-", "-", "-", goal, null, why);
    }

    String verdict() {
        if (met == null) {
            return "not measured: " + missing;
        }
        return met ? "**met**" : "**missed**";
    }
}
