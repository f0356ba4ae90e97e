package io.jpoll.bench.report;

/**
 * One goal from the benchmark issue, evaluated once per native binding of jpoll's epoll backend:
 * the reference both are compared with, the goal, and a {@link Cell} for jpoll-FFM and for
 * jpoll-JNA.
 *
 * @param reference the reference's number, or a description of it
 * @param goal      like {@code <= 1.15x}; for a retired goal, what it was
 */
record Target(String id, String what, String reference, String goal, Cell ffm, Cell jna) {

    /**
     * One binding's side of a target.
     *
     * @param met  null when there is no verdict: not measured, or an information row; then
     *             {@code note} says which
     * @param note why there is no verdict, or null
     */
    record Cell(String jpoll, String ratio, Boolean met, String note) {

        /** jpoll/reference must be at most {@code limit} (times, latencies). */
        static Cell atMost(double jpoll, double reference, String unit, double limit) {
            double ratio = jpoll / reference;
            return new Cell(Format.value(jpoll, unit), Format.ratio(ratio), ratio <= limit, null);
        }

        /** jpoll/reference must be at least {@code limit} (throughputs). */
        static Cell atLeast(double jpoll, double reference, String unit, double limit) {
            double ratio = jpoll / reference;
            return new Cell(Format.value(jpoll, unit), Format.ratio(ratio), ratio >= limit, null);
        }

        /** A ratio given for information only: the goal it was measured against is retired. */
        static Cell information(double jpoll, double reference, String unit) {
            return new Cell(Format.value(jpoll, unit), Format.ratio(jpoll / reference), null, "information");
        }

        /**
         * jpoll's steady state must allocate nothing: judged on the exact count of the benchmark
         * thread's allocation (the quietest of three rounds is 0 when nothing is allocated per
         * operation), shown beside JMH's {@code -prof gc} figure.
         */
        static Cell zeroAllocation(Allocations.Count exact, double jmhBytes) {
            return new Cell(Format.bytes4(exact.least()) + " B/op exact (JMH: " + Format.bytes(jmhBytes) + ")", "-",
                    exact.least() == 0, null);
        }

        static Cell absent(String why) {
            return new Cell("-", "-", null, why);
        }

        String verdict() {
            if (met == null) {
                return note.equals("information") ? "information" : "not measured: " + note;
            }
            return met ? "**met**" : "**missed**";
        }
    }
}
