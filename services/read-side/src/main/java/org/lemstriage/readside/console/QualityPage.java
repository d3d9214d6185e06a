package org.lemstriage.readside.console;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.RawString;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.lemstriage.ehrclient.EhrFailure;
import org.lemstriage.readside.ehr.EpisodeTasks;
import org.lemstriage.readside.yield.YieldReports;
import org.lemstriage.readside.store.QualityFigures;

import java.sql.SQLException;
import java.time.Duration;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Quality over the last 26 weeks, as charts: positives per week, decision to Task written, Task written to round
 * completed (Task status in the EHR), overdue rounds, decisions by tier; and the yield of every episode so far (the
 * yield Measure's report, as a chart, a table and CSV). Counts only: no patient is named.
 */
@Path("/console/quality")
@Blocking
@Produces(MediaType.TEXT_HTML)
@RolesAllowed(ConsoleUser.AUDITOR)
public class QualityPage {
    static final int WEEKS = 26;
    /** Days from a round's Task written to completed, in these bins (a round is due within 30 days of its date). */
    private static final int[] COMPLETION_BINS = {7, 14, 30, 60, 90};

    /** One chart: its heading, what it measures, the SVG, and its figures as a table for those who read rather than look. */
    public record Chart(String id, String heading, String note, RawString svg, List<SvgChart.Bar> figures, String unit) {
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance quality(ConsoleUser user, List<Chart> charts, String since, YieldView yield,
                                               Chart yieldChart, String yieldUnavailable);
    }

    private final QualityFigures figures;
    private final EpisodeTasks tasks;
    private final YieldReports yields;
    private final SecurityIdentity identity;

    public QualityPage(QualityFigures figures, EpisodeTasks tasks, YieldReports yields, SecurityIdentity identity) {
        this.figures = figures;
        this.tasks = tasks;
        this.yields = yields;
        this.identity = identity;
    }

    @GET
    public TemplateInstance quality() throws SQLException {
        Instant since = Instant.now().minus(Duration.ofDays(7L * WEEKS));
        Instant latest = figures.latestDecision();
        Instant until = latest == null || latest.isBefore(Instant.now()) ? Instant.now() : latest;
        List<Chart> charts = new ArrayList<>();
        charts.add(chart("positives", "Positives per week", "Episodes opened (OPEN decisions) per ISO week, UTC.", "",
                weekly(figures.positivesPerWeek(since), since, until)));
        charts.add(chart("to-task", "Positive to Task written", "Median seconds per week from the decision on a positive result "
                + "to the notifier's first successful write of its Tasks to the EHR (its AuditEvent).", "s",
                weekly(figures.medianSecondsToTaskPerWeek(since), since, until)));
        EpisodeTasks.Answer completed = tasks.completedRounds();
        charts.add(chart("to-completion", "Task written to round completed", completed.unavailable() != null
                ? "Not shown: " + completed.unavailable() + "."
                : "Completed screening-round Tasks in the EHR, by days from written (authoredOn) to completed (lastModified).",
                "rounds", completion(completed.tasks())));
        charts.add(chart("overdue", "Overdue rounds over time", "Open episodes with a round OVERDUE at the end of each week.", "",
                weekly(figures.overdueEpisodesPerWeek(since, until), since, until)));
        charts.add(chart("tiers", "Decisions by tier", "Decisions in the last " + WEEKS + " weeks by tier.", "",
                figures.decisionsByTier(since).entrySet().stream().map(e -> new SvgChart.Bar(e.getKey(), e.getValue())).toList()));
        YieldView yield = null;
        Chart yieldChart = null;
        String unavailable = null;
        try {
            yield = YieldView.of(yields.report(null, null));
            yieldChart = chart("yield", "Small-cell lung cancers found, by DELTA-P score", "The share of screening episodes "
                    + "that found a small-cell lung cancer, per DELTA-P score; the table gives Maddison 2020's rate beside it.",
                    "%", yield.byScore().stream().map(r -> new SvgChart.Bar(r.stratum(), r.episodes() == 0 ? 0
                            : 100.0 * r.sclc() / r.episodes())).toList());
        } catch (EhrFailure e) {
            unavailable = "the EHR did not answer (" + e.summary() + ")";
        } catch (org.lemstriage.readside.store.EpisodeHistories.TooMany e) {
            unavailable = e.getMessage();
        }
        return Templates.quality(ConsoleUser.of(identity), charts, since.toString().substring(0, 10), yield, yieldChart, unavailable);
    }

    /** The yield MeasureReport of every episode so far, as CSV: group, stratifier, stratum, population, count, score, expected. */
    @GET
    @Path("yield.csv")
    @Produces("text/csv")
    public Response yieldCsv() throws SQLException {
        try {
            return Response.ok(YieldView.csv(yields.report(null, null)))
                    .header("Content-Disposition", "attachment; filename=\"lems-triage-yield.csv\"").build();
        } catch (org.lemstriage.readside.store.EpisodeHistories.TooMany e) {
            return Response.status(Response.Status.BAD_REQUEST).entity(e.getMessage()).type("text/plain").build();
        }
    }

    private static Chart chart(String id, String heading, String note, String unit, List<SvgChart.Bar> bars) {
        return new Chart(id, heading, note, SvgChart.bars(heading, unit, bars), bars, unit);
    }

    /** Every week from {@code since} to {@code until}, a week without a figure as 0, so the axis is time. */
    private static List<SvgChart.Bar> weekly(List<QualityFigures.Weekly> weeks, Instant since, Instant until) {
        java.util.Map<LocalDate, Double> byWeek = new java.util.HashMap<>();
        weeks.forEach(w -> byWeek.put(w.week(), w.value()));
        LocalDate monday = since.atZone(ZoneOffset.UTC).toLocalDate().with(DayOfWeek.MONDAY);
        LocalDate thisWeek = until.atZone(ZoneOffset.UTC).toLocalDate().with(DayOfWeek.MONDAY);
        List<SvgChart.Bar> bars = new ArrayList<>();
        for (LocalDate w = monday; !w.isAfter(thisWeek); w = w.plusWeeks(1)) {
            bars.add(new SvgChart.Bar(w.toString(), byWeek.getOrDefault(w, 0.0)));
        }
        return bars;
    }

    private static List<SvgChart.Bar> completion(List<EpisodeTasks.EpisodeTask> completed) {
        long[] counts = new long[COMPLETION_BINS.length + 1];
        completed.stream().map(EpisodeTasks.EpisodeTask::toCompletion).filter(Objects::nonNull).forEach(d -> {
            int bin = 0;
            while (bin < COMPLETION_BINS.length && d.toDays() >= COMPLETION_BINS[bin]) {
                bin++;
            }
            counts[bin]++;
        });
        if (completed.isEmpty()) {
            return List.of();
        }
        List<SvgChart.Bar> bars = new ArrayList<>();
        int low = 0;
        for (int i = 0; i < counts.length; i++) {
            String label = i < COMPLETION_BINS.length ? low + "-" + COMPLETION_BINS[i] + " d" : ">= " + low + " d";
            bars.add(new SvgChart.Bar(label, counts[i]));
            low = i < COMPLETION_BINS.length ? COMPLETION_BINS[i] : low;
        }
        return bars;
    }
}
