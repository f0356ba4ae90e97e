package io.jpoll.bench.report;

import java.util.Map;

/**
 * One JMH result: a benchmark method with its parameters, the median over every measured
 * iteration of every fork, JMH's mean and 99.9% error, and the normalised allocation per op.
 *
 * @param allocPerOp bytes per operation from {@code -prof gc}, median over iterations; NaN if absent
 */
record Result(String benchmark, Map<String, String> params, String unit, double median, double mean,
              double error, int samples, double allocPerOp) {

    /** {@code DispatchBenchmark.jpollLevel}: class simple name and method. */
    String shortName() {
        int method = benchmark.lastIndexOf('.');
        int type = benchmark.lastIndexOf('.', method - 1);
        return benchmark.substring(type + 1);
    }

    boolean matches(String shortName, Map<String, String> wanted) {
        if (!shortName().equals(shortName)) {
            return false;
        }
        for (Map.Entry<String, String> e : wanted.entrySet()) {
            if (!e.getValue().equals(params.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }
}
