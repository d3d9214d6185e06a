package org.lemstriage.readside.console;

import io.quarkus.qute.RawString;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;

/**
 * A timeline drawn on the server as inline SVG, one lane per kind of thing (results, decisions, rounds, orders,
 * messages) on one time axis: a point for a moment, a bar for a window. Like {@link SvgChart}: no script, role img, a
 * title for a screen reader, each mark titled with what it is and its outcome, a table of the same beside it.
 */
public final class SvgTimeline {
    /** One mark: in its lane, at {@code start} (to {@code end} for a window, else null), what it is and how it ended. */
    public record Mark(String lane, Instant start, Instant end, String what, String outcome) {
        /** Its day, or its window's first and last day (UTC). */
        public String when() {
            return date(this);
        }
    }

    private static final int WIDTH = 720;
    private static final int LEFT = 96;
    private static final int RIGHT = 16;
    private static final int LANE = 34;
    private static final int TOP = 8;
    private static final int AXIS = 28;

    private SvgTimeline() {
    }

    public static RawString of(String title, List<String> lanes, List<Mark> marks) {
        int height = TOP + LANE * lanes.size() + AXIS;
        StringBuilder svg = new StringBuilder("<svg class=\"timeline\" role=\"img\" viewBox=\"0 0 " + WIDTH + " " + height
                + "\" xmlns=\"http://www.w3.org/2000/svg\"><title>" + SvgChart.escape(title) + "</title>");
        Instant first = marks.stream().map(Mark::start).min(Instant::compareTo).orElse(Instant.now());
        Instant last = marks.stream().map(m -> m.end() != null ? m.end() : m.start()).max(Instant::compareTo).orElse(first);
        Duration span = Duration.between(first, last);
        Duration pad = span.isZero() ? Duration.ofDays(1) : span.dividedBy(20);
        Instant from = first.minus(pad);
        Instant to = last.plus(pad);
        double plot = WIDTH - LEFT - RIGHT;
        double perMilli = plot / Math.max(1, Duration.between(from, to).toMillis());
        for (int i = 0; i < lanes.size(); i++) {
            int y = TOP + i * LANE + LANE / 2;
            svg.append("<text x=\"").append(LEFT - 8).append("\" y=\"").append(y + 4).append("\" text-anchor=\"end\">")
                    .append(SvgChart.escape(lanes.get(i))).append("</text>");
            svg.append("<line class=\"lane\" x1=\"").append(LEFT).append("\" y1=\"").append(y).append("\" x2=\"")
                    .append(WIDTH - RIGHT).append("\" y2=\"").append(y).append("\"/>");
        }
        int axis = TOP + LANE * lanes.size();
        svg.append("<line class=\"axis\" x1=\"").append(LEFT).append("\" y1=\"").append(axis).append("\" x2=\"").append(WIDTH - RIGHT)
                .append("\" y2=\"").append(axis).append("\"/>");
        for (int t = 0; t <= 4; t++) {
            Instant tick = from.plusMillis((long) (Duration.between(from, to).toMillis() * (t / 4.0)));
            double x = LEFT + t * plot / 4;
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"%s\">%s</text>", x, axis + 18,
                    t == 0 ? "start" : t == 4 ? "end" : "middle", tick.atZone(ZoneOffset.UTC).toLocalDate()));
        }
        for (Mark mark : marks) {
            int lane = lanes.indexOf(mark.lane());
            int y = TOP + lane * LANE + LANE / 2;
            double x = LEFT + Duration.between(from, mark.start()).toMillis() * perMilli;
            String tooltip = "<title>" + SvgChart.escape(mark.lane() + ": " + mark.what() + ", " + date(mark) + (mark.outcome().isEmpty() ? ""
                    : " (" + mark.outcome() + ")")) + "</title>";
            if (mark.end() != null) {
                double w = Math.max(3, Duration.between(mark.start(), mark.end()).toMillis() * perMilli);
                svg.append(String.format(Locale.ROOT, "<rect class=\"point window %s\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"12\">",
                        css(mark.outcome()), x, y - 6, w)).append(tooltip).append("</rect>");
            } else {
                svg.append(String.format(Locale.ROOT, "<circle class=\"point %s\" cx=\"%.1f\" cy=\"%d\" r=\"6\">", css(mark.outcome()), x, y))
                        .append(tooltip).append("</circle>");
            }
        }
        return new RawString(svg.append("</svg>").toString());
    }

    /** The mark's day, or its window's first and last day. */
    static String date(Mark mark) {
        String start = mark.start().atZone(ZoneOffset.UTC).toLocalDate().toString();
        return mark.end() == null ? start : start + " to " + mark.end().atZone(ZoneOffset.UTC).toLocalDate();
    }

    /** An outcome as a CSS class: completed, requested, overdue... (letters and dashes only). */
    private static String css(String outcome) {
        return "outcome-" + outcome.toLowerCase(Locale.ROOT).replaceAll("[^a-z]+", "-");
    }
}
