package org.lemstriage.audit.store;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import io.smallrye.faulttolerance.api.ExponentialBackoff;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.lemstriage.model.event.TriageDecision;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.List;

/**
 * Writes AuditEvents and decisions to PostgreSQL, a batch per transaction. A row that is already there (a
 * redelivered record, a replay of the topic) is skipped whole: {@code on conflict do nothing} on its key, and its
 * agents, entities and rules are written only with a row that was new.
 *
 * <p>While the database is away, a batch is retried with growing pauses for up to ten minutes; its records stay
 * unacknowledged (their offsets uncommitted) until it is written, so nothing is lost.
 */
@ApplicationScoped
public class AuditStore {
    /**
     * PostgreSQL refused what a record holds (SQLState class 22, data exception: a NUL character in a text column, for
     * one): the same batch would be refused for ever, so it is not retried; the consumer stores its records one by one
     * and parks the one refused.
     */
    public static final class Unstorable extends RuntimeException {
        Unstorable(String sqlState) {
            super("unstorable: PostgreSQL refused a value (SQLState " + sqlState + ")", null, false, false);
        }
    }

    private final AgroalDataSource database;

    public AuditStore(AgroalDataSource database) {
        this.database = database;
    }

    @Retry(maxRetries = -1, delay = 500, maxDuration = 600_000, retryOn = SQLException.class)
    @ExponentialBackoff(maxDelay = 30_000)
    public void saveEvents(List<AuditRecord> records) throws SQLException {
        try (Connection c = database.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement event = c.prepareStatement("insert into audit_event (kafka_partition, kafka_offset, recorded, action, "
                    + "outcome, subtype, observer, resource) values (?, ?, ?, ?, ?, ?, ?, ?) on conflict do nothing");
                 PreparedStatement agent = c.prepareStatement("insert into audit_event_agent (kafka_partition, kafka_offset, reference, "
                         + "system, value, requestor) values (?, ?, ?, ?, ?, ?)");
                 PreparedStatement entity = c.prepareStatement("insert into audit_event_entity (kafka_partition, kafka_offset, reference, "
                         + "system, value, patient) values (?, ?, ?, ?, ?, ?)")) {
                for (AuditRecord r : records) {
                    event.setInt(1, r.partition());
                    event.setLong(2, r.offset());
                    event.setTimestamp(3, Timestamp.from(r.recorded()));
                    event.setString(4, r.action());
                    event.setString(5, r.outcome());
                    event.setString(6, truncated(r.subtype(), 64));
                    event.setString(7, truncated(r.observer(), 256));
                    event.setString(8, r.json());
                    event.addBatch();
                }
                int[] inserted = event.executeBatch();
                for (int i = 0; i < records.size(); i++) {
                    if (inserted[i] == 0) {
                        continue; // stored before
                    }
                    AuditRecord r = records.get(i);
                    addParties(agent, r, r.agents());
                    addParties(entity, r, r.entities());
                }
                agent.executeBatch();
                entity.executeBatch();
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw unstorableOrItself(e);
            }
        }
    }

    @Retry(maxRetries = -1, delay = 500, maxDuration = 600_000, retryOn = SQLException.class)
    @ExponentialBackoff(maxDelay = 30_000)
    public void saveDecisions(List<DecisionRecord> records) throws SQLException {
        try (Connection c = database.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement row = c.prepareStatement("insert into triage_decision (decision_id, episode_id, version, patient_key, "
                    + "action, tier, ruleset_version, decided_at, context, delta_p_score, decision, kafka_partition, kafka_offset) "
                    + "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict do nothing");
                 PreparedStatement rule = c.prepareStatement("insert into triage_decision_rule (decision_id, rule_id) values (?, ?) "
                         + "on conflict do nothing")) {
                for (DecisionRecord r : records) {
                    TriageDecision d = r.decision();
                    row.setString(1, d.decisionId());
                    row.setString(2, d.episodeId());
                    row.setInt(3, d.version());
                    row.setString(4, d.patientKey());
                    row.setString(5, d.action().name());
                    row.setString(6, d.tier() == null ? null : d.tier().name());
                    row.setString(7, d.rulesetVersion());
                    row.setTimestamp(8, Timestamp.from(d.decidedAt()));
                    row.setString(9, d.context() == null ? null : d.context().name());
                    row.setInt(10, d.deltaPScore());
                    row.setString(11, r.json());
                    row.setInt(12, r.partition());
                    row.setLong(13, r.offset());
                    row.addBatch();
                }
                int[] inserted = row.executeBatch();
                for (int i = 0; i < records.size(); i++) {
                    TriageDecision d = records.get(i).decision();
                    if (inserted[i] == 0 || d.rulesFired() == null) {
                        continue;
                    }
                    for (String ruleId : d.rulesFired()) {
                        rule.setString(1, d.decisionId());
                        rule.setString(2, ruleId);
                        rule.addBatch();
                    }
                }
                rule.executeBatch();
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw unstorableOrItself(e);
            }
        }
    }

    /** A data exception (class 22) as {@link Unstorable}, which is not retried; any other failure as it is, retried. */
    private static SQLException unstorableOrItself(SQLException e) throws SQLException {
        if (e.getSQLState() != null && e.getSQLState().startsWith("22")) {
            throw new Unstorable(e.getSQLState());
        }
        throw e;
    }

    private static void addParties(PreparedStatement statement, AuditRecord r, List<AuditRecord.Party> parties) throws SQLException {
        for (AuditRecord.Party p : parties) {
            statement.setInt(1, r.partition());
            statement.setLong(2, r.offset());
            setNullable(statement, 3, truncated(p.reference(), 512));
            setNullable(statement, 4, truncated(p.system(), 512));
            setNullable(statement, 5, truncated(p.value(), 512));
            statement.setBoolean(6, p.flag());
            statement.addBatch();
        }
    }

    private static void setNullable(PreparedStatement statement, int index, String value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.VARCHAR);
        } else {
            statement.setString(index, value);
        }
    }

    /** Search columns have a bounded width; the full value stays in the stored JSON. */
    private static String truncated(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }
}
