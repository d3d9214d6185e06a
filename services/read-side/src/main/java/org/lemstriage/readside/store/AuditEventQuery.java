package org.lemstriage.readside.store;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The conditions of one AuditEvent search, as SQL over the store's tables; every condition must hold, and within a
 * condition any of its values (FHIR's comma). Values are bound as parameters, never spliced into the SQL.
 */
public final class AuditEventQuery {
    /** One value of a reference search parameter: a reference ({@code Patient/1}), or an identifier (system may be null: any). */
    public record Target(String reference, String system, String value) {
        public static Target reference(String reference) {
            return new Target(reference, null, null);
        }

        public static Target identifier(String system, String value) {
            return new Target(null, system, value);
        }

        /** An identifier token as FHIR writes it: {@code system|value}, {@code |value} or {@code value} (any system). */
        public static Target identifierToken(String token) {
            int bar = token.indexOf('|');
            return bar < 0 ? identifier(null, token) : identifier(bar == 0 ? null : token.substring(0, bar), token.substring(bar + 1));
        }
    }

    private final List<String> where = new ArrayList<>();
    private final List<Object> parameters = new ArrayList<>();

    /** An entity (a patient only, if {@code patientsOnly}) is any of {@code anyOf}. */
    public AuditEventQuery entity(List<Target> anyOf, boolean patientsOnly) {
        return party("audit_event_entity", anyOf, patientsOnly ? "x.patient" : null);
    }

    /** An agent is any of {@code anyOf}. */
    public AuditEventQuery agent(List<Target> anyOf) {
        return party("audit_event_agent", anyOf, null);
    }

    public AuditEventQuery actionIn(List<String> actions) {
        return in("e.action", actions);
    }

    public AuditEventQuery outcomeIn(List<String> outcomes) {
        return in("e.outcome", outcomes);
    }

    /** Recorded at or after {@code from}, at or before {@code to}; either may be null (open). */
    public AuditEventQuery recorded(Instant from, Instant to) {
        if (from != null) {
            where.add("e.recorded >= ?");
            parameters.add(Timestamp.from(from));
        }
        if (to != null) {
            where.add("e.recorded <= ?");
            parameters.add(Timestamp.from(to));
        }
        return this;
    }

    String countSql() {
        return "select count(*) from audit_event e" + whereClause();
    }

    /** Newest first; the id keeps the order stable between pages. */
    String pageSql() {
        return "select e.event_id, e.resource from audit_event e" + whereClause()
                + " order by e.recorded desc, e.event_id offset ? limit ?";
    }

    /** Binds the conditions' values from index 1; returns the next free index. */
    int bind(PreparedStatement statement) throws SQLException {
        int i = 1;
        for (Object p : parameters) {
            statement.setObject(i++, p);
        }
        return i;
    }

    private AuditEventQuery party(String table, List<Target> anyOf, String extra) {
        List<String> alternatives = new ArrayList<>();
        for (Target t : anyOf) {
            if (t.reference() != null) {
                alternatives.add("x.reference = ?");
                parameters.add(t.reference());
            } else if (t.system() != null) {
                alternatives.add("(x.value = ? and x.system = ?)");
                parameters.add(t.value());
                parameters.add(t.system());
            } else {
                alternatives.add("x.value = ?");
                parameters.add(t.value());
            }
        }
        where.add("exists (select 1 from " + table + " x where x.event_id = e.event_id"
                + (extra == null ? "" : " and " + extra) + " and (" + String.join(" or ", alternatives) + "))");
        return this;
    }

    private AuditEventQuery in(String column, List<String> values) {
        where.add(column + " in (" + String.join(", ", values.stream().map(v -> "?").toList()) + ")");
        parameters.addAll(values);
        return this;
    }

    private String whereClause() {
        return where.isEmpty() ? "" : " where " + String.join(" and ", where);
    }
}
