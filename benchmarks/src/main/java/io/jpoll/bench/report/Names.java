package io.jpoll.bench.report;

import java.util.Locale;

/** How the report names contenders and sizes. */
final class Names {
    private Names() {
    }

    static String selector(String idiom) {
        return idiom.equals("selectorConsumer") ? "Selector.selectNow(Consumer)" : "Selector.selectNow()+selectedKeys";
    }

    static String count(int n) {
        return n % 1000 == 0 ? (n / 1000) + "k" : String.format(Locale.ROOT, "%,d", n);
    }
}
