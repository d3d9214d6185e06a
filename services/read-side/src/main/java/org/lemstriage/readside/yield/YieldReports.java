package org.lemstriage.readside.yield;

import jakarta.enterprise.context.ApplicationScoped;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.MeasureReport;
import org.hl7.fhir.r4.model.Period;
import org.lemstriage.readside.store.EpisodeHistories;

import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Date;

/**
 * The yield over the episodes opened in a period: their decisions from the store, their outcomes from the EHR, the
 * Measure's report.
 */
@ApplicationScoped
public class YieldReports {
    private final EpisodeHistories histories;
    private final EpisodeOutcomes outcomes;
    private final YieldMeasure measure = new YieldMeasure();

    public YieldReports(EpisodeHistories histories, EpisodeOutcomes outcomes) {
        this.histories = histories;
        this.outcomes = outcomes;
    }

    public YieldMeasure measure() {
        return measure;
    }

    /**
     * Episodes opened from {@code start} to {@code end} (days, both included, UTC); a null start is the first decision's
     * day, a null end today.
     */
    public MeasureReport report(LocalDate start, LocalDate end) throws SQLException {
        Instant first = histories.first();
        LocalDate from = start != null ? start : first == null ? LocalDate.now(ZoneOffset.UTC) : first.atZone(ZoneOffset.UTC).toLocalDate();
        LocalDate to = end != null ? end : LocalDate.now(ZoneOffset.UTC);
        if (from.isAfter(to)) {
            throw new IllegalArgumentException("periodStart " + from + " is after periodEnd " + to);
        }
        var episodes = outcomes.of(histories.openedBetween(from.atStartOfDay(ZoneOffset.UTC).toInstant(),
                to.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant()));
        Period period = new Period().setStartElement(new DateTimeType(from.toString())).setEndElement(new DateTimeType(to.toString()));
        return measure.report(episodes, period, new Date());
    }
}
