package org.lemstriage.audit.store;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import org.lemstriage.model.event.EventJson;
import org.lemstriage.model.event.TriageDecision;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A patient's open surveillance, from the stored decisions: each episode's latest version, if that version opened or
 * updated it (a RETRACT or CLOSE ends it).
 */
@ApplicationScoped
public class OpenEpisodes {
    private static final String LATEST_OPEN = "select decision from (select distinct on (episode_id) action, decision from triage_decision "
            + "where patient_key = any (?) order by episode_id, version desc) latest where action in ('OPEN', 'UPDATE')";

    private final AgroalDataSource database;

    public OpenEpisodes(AgroalDataSource database) {
        this.database = database;
    }

    /** The open episodes of a patient known by any of {@code patientKeys} (a literal reference, an identifier key). */
    public List<TriageDecision> of(List<String> patientKeys) throws SQLException {
        try (Connection c = database.getConnection(); PreparedStatement s = c.prepareStatement(LATEST_OPEN)) {
            Array keys = c.createArrayOf("varchar", patientKeys.toArray());
            s.setArray(1, keys);
            List<TriageDecision> open = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    open.add(EventJson.mapper().readValue(rs.getString(1), TriageDecision.class));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e); // stored only after it was read once: not expected
            }
            return open;
        }
    }
}
