package io.jpoll.bench.report;

import java.util.Locale;

final class Format {
    private Format() {
    }

    static String value(double v, String unit) {
        if (Double.isNaN(v)) {
            return "-";
        }
        switch (unit) {
            case "ns":
                return String.format(Locale.ROOT, "%,.0f ns", v);
            case "ops/s":
                return String.format(Locale.ROOT, "%,.0f ops/s", v);
            case "msg/s":
                return String.format(Locale.ROOT, "%,.0f msg/s", v);
            case "B":
                return String.format(Locale.ROOT, "%,.1f B", v);
            default:
                return String.format(Locale.ROOT, "%,.2f %s", v, unit);
        }
    }

    static String number(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%,.0f", v);
    }

    static String bytes(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%,.1f", v);
    }

    static String bytes4(double v) {
        return Double.isNaN(v) ? "-" : v == 0 ? "0" : String.format(Locale.ROOT, "%,.4f", v);
    }

    static String ratio(double r) {
        return Double.isNaN(r) ? "-" : String.format(Locale.ROOT, "%.2fx", r);
    }

    static String error(Result r) {
        return Double.isNaN(r.error()) ? "n/a" : String.format(Locale.ROOT, "%,.1f ± %,.1f", r.mean(), r.error());
    }
}
