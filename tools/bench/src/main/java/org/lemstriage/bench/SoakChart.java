package org.lemstriage.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The soak over time as an SVG: each process's RSS by minute (MiB, left axis) and the end-to-end p99 of each 5
 * minutes (ms, right axis). Hand-written, as the console's charts are: a few polylines need no charting library.
 */
final class SoakChart {
    private static final int WIDTH = 760;
    private static final int HEIGHT = 360;
    private static final int LEFT = 60;
    private static final int RIGHT = 60;
    private static final int TOP = 30;
    private static final int BOTTOM = 40;
    private static final String[] COLOURS = {"#1b6ca8", "#d1495b", "#66a182", "#edae49", "#8d6a9f", "#2e4057", "#00798c"};

    private SoakChart() {
    }

    @SuppressWarnings("unchecked")
    static String svg(List<Map<String, Object>> perMinute, List<Map<String, Object>> perWindow, Set<String> processes) {
        int minutes = Math.max(1, perMinute.size());
        double maxRss = 1;
        for (Map<String, Object> m : perMinute) {
            for (Map<String, Object> p : ((Map<String, Map<String, Object>>) m.get("processes")).values()) {
                maxRss = Math.max(maxRss, ((Number) p.get("rss_mib")).doubleValue());
            }
        }
        double maxP99 = 1;
        for (Map<String, Object> w : perWindow) {
            maxP99 = Math.max(maxP99, ((Number) ((Map<String, Object>) w.get("e2e_ms")).get("p99")).doubleValue());
        }
        double rssTop = Math.ceil(maxRss / 100) * 100;
        double p99Top = Math.ceil(maxP99 / 50) * 50;
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"11\">%n"
                        + "<title>Soak: RSS by process and end-to-end p99 over time</title>%n"
                        + "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n", WIDTH, HEIGHT));
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>%n", LEFT, TOP, plotW, plotH));
        for (int i = 0; i <= 4; i++) {
            double y = TOP + plotH - plotH * i / 4.0;
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.0f\" text-anchor=\"end\">%.0f</text>"
                            + "<text x=\"%d\" y=\"%.0f\">%.0f</text>%n",
                    LEFT - 4, y + 4, rssTop * i / 4, WIDTH - RIGHT + 4, y + 4, p99Top * i / 4));
        }
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">RSS (MiB)</text><text x=\"%d\" y=\"%d\" text-anchor=\"end\">"
                + "end-to-end p99 (ms), dashed</text><text x=\"%d\" y=\"%d\" text-anchor=\"middle\">minutes</text>%n",
                LEFT - 50, TOP - 10, WIDTH - 4, TOP - 10, LEFT + plotW / 2, HEIGHT - 8));
        int c = 0;
        for (String name : processes) {
            StringBuilder points = new StringBuilder();
            for (Map<String, Object> m : perMinute) {
                double x = LEFT + plotW * ((Number) m.get("minute")).doubleValue() / minutes;
                double rss = ((Number) ((Map<String, Map<String, Object>>) m.get("processes")).get(name).get("rss_mib")).doubleValue();
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, TOP + plotH - plotH * rss / rssTop));
            }
            String colour = COLOURS[c % COLOURS.length];
            s.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>%n", colour, points.toString().trim()));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"%s\">%s</text>%n", LEFT + 8 + 95 * c, HEIGHT - 22, colour, name));
            c++;
        }
        StringBuilder p99 = new StringBuilder();
        for (Map<String, Object> w : perWindow) {
            double x = LEFT + plotW * ((Number) w.get("minutes")).doubleValue() / minutes;
            double ms = ((Number) ((Map<String, Object>) w.get("e2e_ms")).get("p99")).doubleValue();
            p99.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, TOP + plotH - plotH * ms / p99Top));
        }
        s.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"black\" stroke-width=\"2\" stroke-dasharray=\"6 4\" points=\"%s\"/>%n",
                p99.toString().trim()));
        return s.append("</svg>\n").toString();
    }
}
