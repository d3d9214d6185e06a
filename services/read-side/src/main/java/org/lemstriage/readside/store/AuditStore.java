package org.lemstriage.readside.store;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import io.smallrye.faulttolerance.api.ExponentialBackoff;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.lemstriage.model.event.TriageDecision;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.List;

/**
 * Writes AuditEvents and decisions to PostgreSQL, a batch per transaction. A row that is already there (a
 * redelivered record, a replay of the topic, a topic restored elsewhere) is skipped whole: {@code on conflict do
 * nothing} on its key (the AuditEvent's id, the decision's id), and its agents, entities and rules are written only with
 * a row that was new. An AuditEvent whose id is stored with other content is not skipped but refused
 * ({@link Unstorable}): two events under one id is a fault of their maker, and parking it leaves a trace.
 *
 * <p>While the database is away, a batch is retried with growing pauses for up to ten minutes; its records stay
 * unacknowledged (their offsets uncommitted) until it is written, so nothing is lost.
 */
@ApplicationScoped
public class AuditStore {
    /**
     * A record the store will never take: PostgreSQL refused what it holds (SQLState class 22, data exception: a NUL
     * character in a text column, for one), or its id is stored with other content. The same batch would be refused
     * for ever, so it is not retried; the consumer stores its records one by one and parks the one refused.
     */
    public static final class Unstorable extends RuntimeException {
        Unstorable(String reason) {
            super("unstorable: " + reason, null, false, false);
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
            try (PreparedStatement event = c.prepareStatement("insert into audit_event (event_id, kafka_partition, kafka_offset, recorded, "
                    + "action, outcome, subtype, observer, resource) values (?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict do nothing");
                 PreparedStatement stored = c.prepareStatement("select resource from audit_event where event_id = ?");
                 PreparedStatement agent = c.prepareStatement("insert into audit_event_agent (event_id, reference, system, value, "
                         + "requestor) values (?, ?, ?, ?, ?)");
                 PreparedStatement entity = c.prepareStatement("insert into audit_event_entity (event_id, reference, system, value, "
                         + "patient) values (?, ?, ?, ?, ?)")) {
                for (AuditRecord r : records) {
                    event.setString(1, r.id());
                    event.setInt(2, r.partition());
                    event.setLong(3, r.offset());
                    event.setTimestamp(4, Timestamp.from(r.recorded()));
                    event.setString(5, r.action());
                    event.setString(6, r.outcome());
                    event.setString(7, truncated(r.subtype(), 64));
                    event.setString(8, truncated(r.observer(), 256));
                    event.setString(9, r.json());
                    event.addBatch();
                }
                int[] inserted = event.executeBatch();
                for (int i = 0; i < records.size(); i++) {
                    if (inserted[i] == 0) {
                        requireSame(stored, records.get(i));
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
            } catch (Unstorable e) {
                c.rollback();
                throw e;
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
            throw new Unstorable("PostgreSQL refused a value (SQLState " + e.getSQLState() + ")");
        }
        throw e;
    }

    /** An AuditEvent already stored under {@code r}'s id is the same one, or {@code r} is {@link Unstorable}. */
    private static void requireSame(PreparedStatement stored, AuditRecord r) throws SQLException {
        stored.setString(1, r.id());
        try (ResultSet rs = stored.executeQuery()) {
            if (rs.next() && !rs.getString(1).equals(r.json())) {
                throw new Unstorable("AuditEvent id " + r.id() + " is stored with other content");
            }
        }
    }

    private static void addParties(PreparedStatement statement, AuditRecord r, List<AuditRecord.Party> parties) throws SQLException {
        for (AuditRecord.Party p : parties) {
            statement.setString(1, r.id());
            setNullable(statement, 2, truncated(p.reference(), 512));
            setNullable(statement, 3, truncated(p.system(), 512));
            setNullable(statement, 4, truncated(p.value(), 512));
            statement.setBoolean(5, p.flag());
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
