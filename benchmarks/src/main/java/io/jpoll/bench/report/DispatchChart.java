package io.jpoll.bench.report;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * dispatch.png: median time per poll against K ready, three panels (sockets; eventfds; ONESHOT
 * with its re-arm, which is an order of magnitude slower and would flatten the others).
 */
final class DispatchChart {
    private final JmhResults jmh;
    private final CResults c;
    /** jpoll is drawn on the JDK's default binding; the tables in RESULTS.md have both. */
    private final String binding;

    DispatchChart(JmhResults jmh, CResults c, String binding) {
        this.jmh = jmh;
        this.c = c;
        this.binding = binding;
    }

    void write(Path png) throws IOException {
        List<Integer> ks = jmh.intParam("DispatchBenchmark.jpollLevel", "ready");
        if (ks.isEmpty()) {
            throw new IOException("dispatch chart: no DispatchBenchmark results to draw");
        }
        List<CategoryChart> panels = new ArrayList<>();

        CategoryChart sockets = panel("1,000 TCP sockets, K ready: LEVEL and EDGE");
        series(sockets, "jpoll-" + binding.toUpperCase() + " LEVEL", ks, k -> jmh("jpollLevel", k, "socket"));
        series(sockets, "jpoll-" + binding.toUpperCase() + " EDGE", ks, k -> jmh("jpollEdge", k, "socket"));
        series(sockets, "Selector selectNow+keys", ks, k -> selector("selectorSelectedKeys", k));
        series(sockets, "Selector selectNow(Consumer)", ks, k -> selector("selectorConsumer", k));
        series(sockets, "C LEVEL", ks, k -> c("socket", "LEVEL", k));
        series(sockets, "C EDGE", ks, k -> c("socket", "EDGE", k));
        panels.add(sockets);

        CategoryChart eventfds = panel("1,000 eventfds, K ready: LEVEL and EDGE");
        series(eventfds, "jpoll-" + binding.toUpperCase() + " LEVEL", ks, k -> jmh("jpollLevel", k, "eventfd"));
        series(eventfds, "jpoll-" + binding.toUpperCase() + " EDGE", ks, k -> jmh("jpollEdge", k, "eventfd"));
        series(eventfds, "C LEVEL", ks, k -> c("eventfd", "LEVEL", k));
        series(eventfds, "C EDGE", ks, k -> c("eventfd", "EDGE", k));
        panels.add(eventfds);

        CategoryChart oneshot = panel("ONESHOT, re-arming every event (epoll_ctl MOD)");
        series(oneshot, "jpoll-" + binding.toUpperCase() + " sockets", ks, k -> jmh("jpollOneshot", k, "socket"));
        series(oneshot, "C sockets", ks, k -> c("socket", "ONESHOT", k));
        series(oneshot, "jpoll-" + binding.toUpperCase() + " eventfds", ks, k -> jmh("jpollOneshot", k, "eventfd"));
        series(oneshot, "C eventfds", ks, k -> c("eventfd", "ONESHOT", k));
        panels.add(oneshot);

        BitmapEncoder.saveBitmap(panels, 1, panels.size(), png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static CategoryChart panel(String title) {
        CategoryChart chart = new CategoryChartBuilder().width(640).height(480).title(title)
                .xAxisTitle("K ready of 1,000").yAxisTitle("ns per poll (median)").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        chart.getStyler().setAvailableSpaceFill(0.8);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        return chart;
    }

    /** jpoll in blues, the Selector in oranges, C in greys, the same in every panel. */
    private static Color color(String name) {
        boolean edge = name.contains("EDGE") || name.contains("eventfds") || name.contains("Consumer");
        if (name.startsWith("jpoll")) {
            return edge ? new Color(0x6BAED6) : new Color(0x08519C);
        }
        if (name.startsWith("Selector")) {
            return edge ? new Color(0xFDAE6B) : new Color(0xD94801);
        }
        return edge ? new Color(0xBDBDBD) : new Color(0x525252);
    }

    private static void series(CategoryChart chart, String name, List<Integer> ks, IntFunction<Optional<Double>> value) {
        List<String> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (int k : ks) {
            Optional<Double> v = value.apply(k);
            if (v.isEmpty()) {
                return; // every series of a category chart needs every category; leave it out
            }
            x.add(String.valueOf(k));
            y.add(v.get());
        }
        chart.addSeries(name, x, y).setFillColor(color(name));
    }

    private Optional<Double> jmh(String method, int k, String source) {
        return jmh.find("DispatchBenchmark." + method, "binding=" + binding, "ready=" + k, "source=" + source).map(Result::median);
    }

    private Optional<Double> selector(String method, int k) {
        return jmh.find("DispatchBenchmark." + method, "ready=" + k).map(Result::median);
    }

    private Optional<Double> c(String kind, String trigger, int k) {
        return c == null ? Optional.empty() : c.find(kind, trigger, k).map(CResults.Row::median);
    }
}
