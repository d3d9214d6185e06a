package org.lemstriage.readside.store;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import org.lemstriage.model.event.TriageDecision;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Stored decisions by patient, time, rule id and action: a patient's history, and the audit view's search. */
@ApplicationScoped
public class DecisionSearch {
    /** The most one search returns; the console says when a search was cut there. */
    public static final int LIMIT = 500;

    /**
     * What to look for; a null or empty field does not filter.
     *
     * @param patientKeys any of these patient keys ({@link org.lemstriage.model.PatientKey})
     * @param rule        a rule id that fired, e.g. {@code VGCC-PQ-POSITIVE@1}
     * @param action      OPEN, UPDATE, RETRACT or CLOSE
     */
    public record Filter(List<String> patientKeys, Instant from, Instant to, String rule, TriageDecision.Action action) {
        public static Filter patient(List<String> keys) {
            return new Filter(keys, null, null, null, null);
        }
    }

    private final AgroalDataSource database;

    public DecisionSearch(AgroalDataSource database) {
        this.database = database;
    }

    /** Newest first, at most {@link #LIMIT} + 1 (one more than shown tells that there are more). */
    public List<TriageDecision> find(Filter filter) throws SQLException {
        StringBuilder sql = new StringBuilder("select d.decision from triage_decision d where true");
        List<Object> values = new ArrayList<>();
        if (filter.patientKeys() != null && !filter.patientKeys().isEmpty()) {
            sql.append(" and d.patient_key = any (?)");
            values.add(filter.patientKeys());
        }
        if (filter.from() != null) {
            sql.append(" and d.decided_at >= ?");
            values.add(Timestamp.from(filter.from()));
        }
        if (filter.to() != null) {
            sql.append(" and d.decided_at <= ?");
            values.add(Timestamp.from(filter.to()));
        }
        if (filter.rule() != null && !filter.rule().isBlank()) {
            sql.append(" and exists (select 1 from triage_decision_rule r where r.decision_id = d.decision_id and r.rule_id = ?)");
            values.add(filter.rule().strip());
        }
        if (filter.action() != null) {
            sql.append(" and d.action = ?");
            values.add(filter.action().name());
        }
        sql.append(" order by d.decided_at desc, d.version desc limit ").append(LIMIT + 1);
        try (Connection c = database.getConnection(); PreparedStatement s = c.prepareStatement(sql.toString())) {
            int i = 1;
            for (Object v : values) {
                if (v instanceof List<?> list) {
                    s.setArray(i++, c.createArrayOf("varchar", list.toArray()));
                } else {
                    s.setObject(i++, v);
                }
            }
            return OpenEpisodes.decisions(s);
        }
    }
}
