package org.lemstriage.readside.store;

import io.agroal.api.AgroalDataSource;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.IdType;
import org.lemstriage.model.fhir.Fhir;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Runs AuditEvent searches against the store: how many match, and one page of them. */
@ApplicationScoped
public class AuditEventSearch {
    /** A stored AuditEvent: its id in the search API and its JSON as received. */
    public record Found(String id, String json) {
        /** The AuditEvent with its id in the search API. */
        public AuditEvent toAuditEvent() {
            AuditEvent event = Fhir.r4().newJsonParser().parseResource(AuditEvent.class, json);
            event.setId(new IdType("AuditEvent", id));
            return event;
        }
    }

    private final AgroalDataSource database;

    public AuditEventSearch(AgroalDataSource database) {
        this.database = database;
    }

    public int count(AuditEventQuery query) throws SQLException {
        try (Connection c = database.getConnection(); PreparedStatement s = c.prepareStatement(query.countSql())) {
            query.bind(s);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    public List<Found> page(AuditEventQuery query, int offset, int limit) throws SQLException {
        try (Connection c = database.getConnection(); PreparedStatement s = c.prepareStatement(query.pageSql())) {
            int next = query.bind(s);
            s.setInt(next, offset);
            s.setInt(next + 1, limit);
            List<Found> found = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    found.add(new Found(rs.getString(1), rs.getString(2)));
                }
            }
            return found;
        }
    }

    /** One stored AuditEvent by its id; null if there is none. */
    public Found byId(String id) throws SQLException {
        if (!AuditRecord.isFhirId(id)) {
            return null;
        }
        try (Connection c = database.getConnection();
             PreparedStatement s = c.prepareStatement("select resource from audit_event where event_id = ?")) {
            s.setString(1, id);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? new Found(id, rs.getString(1)) : null;
            }
        }
    }
}
