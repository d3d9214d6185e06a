package org.lemstriage.readside.store;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import org.lemstriage.model.fhir.EhrIdentifiers;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the quality view charts, from the stored decisions and AuditEvents, per ISO week (Monday, UTC) since a start:
 * positives, the time from the decision on a positive to its Tasks written in the EHR, overdue rounds, tiers.
 */
@ApplicationScoped
public class QualityFigures {
    /** One week's figure; {@code week} is its Monday. */
    public record Weekly(LocalDate week, double value) {
    }

    private static final String POSITIVES = "select date_trunc('week', decided_at at time zone 'UTC')::date, count(*) from triage_decision "
            + "where action = 'OPEN' and decided_at >= ? group by 1 order by 1";
    /**
     * An OPEN decision to the first successful EHR write the notifier audited for it: the notifier's AuditEvent names
     * the decision by identifier ({@link EhrIdentifiers#DECISION}); the median per week, in seconds.
     */
    private static final String TO_TASK = "select date_trunc('week', d.decided_at at time zone 'UTC')::date, "
            + "percentile_cont(0.5) within group (order by extract(epoch from w.written - d.decided_at)) from triage_decision d "
            + "join (select x.value, min(e.recorded) written from audit_event_entity x join audit_event e "
            + "on e.event_id = x.event_id "
            + "where x.system = ? and e.outcome = '0' group by x.value) w on w.value = d.decision_id "
            + "where d.action = 'OPEN' and d.decided_at >= ? group by 1 order by 1";
    /** At each week's end: the episodes whose latest decision by then is open with a round OVERDUE. */
    private static final String OVERDUE = "select w.week_start::date, count(l.episode_id) from generate_series(date_trunc('week', ?::timestamptz at time zone 'UTC'), "
            + "date_trunc('week', ?::timestamptz at time zone 'UTC'), interval '1 week') w(week_start) left join lateral ("
            + "select episode_id from (select distinct on (episode_id) episode_id, action, decision from triage_decision "
            + "where decided_at < (w.week_start + interval '1 week') at time zone 'UTC' order by episode_id, version desc) latest "
            + "where action in ('OPEN', 'UPDATE') and (decision::jsonb -> 'plan') @> '[{\"state\":\"OVERDUE\"}]'::jsonb) l on true "
            + "group by 1 order by 1";
    private static final String LATEST = "select max(decided_at) from triage_decision";
    private static final String TIERS = "select coalesce(tier, 'NONE'), count(*) from triage_decision where decided_at >= ? "
            + "group by 1 order by 2 desc";

    private final AgroalDataSource database;

    public QualityFigures(AgroalDataSource database) {
        this.database = database;
    }

    public List<Weekly> positivesPerWeek(Instant since) throws SQLException {
        return weekly(POSITIVES, since, null);
    }

    public List<Weekly> medianSecondsToTaskPerWeek(Instant since) throws SQLException {
        return weekly(TO_TASK, since, EhrIdentifiers.DECISION);
    }

    /** Weeks from {@code since} to {@code until}. */
    public List<Weekly> overdueEpisodesPerWeek(Instant since, Instant until) throws SQLException {
        List<Weekly> weeks = new ArrayList<>();
        try (Connection c = database.getConnection(); PreparedStatement s = c.prepareStatement(OVERDUE)) {
            s.setObject(1, since.atOffset(ZoneOffset.UTC));
            s.setObject(2, until.atOffset(ZoneOffset.UTC));
            read(s, weeks);
        }
        return weeks;
    }

    /**
     * The latest decision's time, or null: a classifier whose clock was moved forward (the demo's, a test's) decides
     * after now, and its decisions must still show.
     */
    public Instant latestDecision() throws SQLException {
        try (Connection c = database.getConnection(); PreparedStatement s = c.prepareStatement(LATEST); ResultSet rs = s.executeQuery()) {
            rs.next();
            Timestamp latest = rs.getTimestamp(1);
            return latest == null ? null : latest.toInstant();
        }
    }

    /** Decisions since {@code since} by tier, most first. */
    public Map<String, Long> decisionsByTier(Instant since) throws SQLException {
        Map<String, Long> tiers = new LinkedHashMap<>();
        try (Connection c = database.getConnection(); PreparedStatement s = c.prepareStatement(TIERS)) {
            s.setTimestamp(1, Timestamp.from(since));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    tiers.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return tiers;
    }

    private List<Weekly> weekly(String sql, Instant since, String system) throws SQLException {
        List<Weekly> weeks = new ArrayList<>();
        try (Connection c = database.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            int i = 1;
            if (system != null) {
                s.setString(i++, system);
            }
            s.setObject(i, since.atOffset(ZoneOffset.UTC));
            read(s, weeks);
        }
        return weeks;
    }

    private static void read(PreparedStatement s, List<Weekly> weeks) throws SQLException {
        try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                weeks.add(new Weekly(rs.getObject(1, LocalDate.class), rs.getDouble(2)));
            }
        }
    }
}
