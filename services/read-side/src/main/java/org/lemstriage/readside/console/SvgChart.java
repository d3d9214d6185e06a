package org.lemstriage.readside.console;

import io.quarkus.qute.RawString;

import java.util.List;
import java.util.Locale;

/**
 * A bar chart drawn on the server as inline SVG: no script, no chart library to download, readable by a screen
 * reader (role img, a title naming what it shows, a data table beside it on the page). Each bar has class "point".
 */
public final class SvgChart {
    /** One bar: its label (a week, a tier) and its value. */
    public record Bar(String label, double value) {
    }

    private static final int WIDTH = 640;
    private static final int HEIGHT = 220;
    private static final int LEFT = 48;
    private static final int BOTTOM = 40;
    private static final int TOP = 16;

    private SvgChart() {
    }

    /** {@code title} names the chart for a screen reader, with its unit when it has one. */
    public static RawString bars(String title, String unit, List<Bar> bars) {
        StringBuilder svg = new StringBuilder();
        svg.append("<svg class=\"chart\" role=\"img\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT)
                .append("\" xmlns=\"http://www.w3.org/2000/svg\"><title>").append(escape(title + (unit.isEmpty() ? "" : " (" + unit + ")")))
                .append("</title>");
        double max = bars.stream().mapToDouble(Bar::value).max().orElse(0);
        double top = max <= 0 ? 1 : niceCeiling(max);
        int plotHeight = HEIGHT - BOTTOM - TOP;
        int plotWidth = WIDTH - LEFT - 8;
        // axes and the top value, so a reader knows the scale
        svg.append(line(LEFT, TOP, LEFT, HEIGHT - BOTTOM)).append(line(LEFT, HEIGHT - BOTTOM, WIDTH - 8, HEIGHT - BOTTOM));
        svg.append(text(LEFT - 6, TOP + 4, "end", format(top)));
        svg.append(text(LEFT - 6, HEIGHT - BOTTOM, "end", "0"));
        if (bars.isEmpty()) {
            svg.append(text(LEFT + plotWidth / 2, TOP + plotHeight / 2, "middle", "nothing to show yet"));
        }
        double slot = bars.isEmpty() ? 0 : (double) plotWidth / bars.size();
        int labelEvery = Math.max(1, (int) Math.ceil(bars.size() / 6.0));
        for (int i = 0; i < bars.size(); i++) {
            Bar bar = bars.get(i);
            double h = bar.value() / top * plotHeight;
            double x = LEFT + i * slot + slot * 0.15;
            svg.append(String.format(Locale.ROOT, "<rect class=\"point\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"><title>%s: %s</title></rect>",
                    x, HEIGHT - BOTTOM - h, slot * 0.7, Math.max(h, 0.5), escape(bar.label()), format(bar.value())));
            if (i % labelEvery == 0) {
                svg.append(text((int) (x + slot * 0.35), HEIGHT - BOTTOM + 16, "middle", bar.label()));
            }
        }
        return new RawString(svg.append("</svg>").toString());
    }

    static String format(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }

    /** 1, 2 or 5 times a power of ten, at least {@code v}. */
    private static double niceCeiling(double v) {
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[]{1, 2, 5, 10}) {
            if (m * p >= v) {
                return m * p;
            }
        }
        return 10 * p;
    }

    private static String line(int x1, int y1, int x2, int y2) {
        return "<line class=\"axis\" x1=\"" + x1 + "\" y1=\"" + y1 + "\" x2=\"" + x2 + "\" y2=\"" + y2 + "\"/>";
    }

    private static String text(int x, int y, String anchor, String s) {
        return "<text x=\"" + x + "\" y=\"" + y + "\" text-anchor=\"" + anchor + "\">" + escape(s) + "</text>";
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
