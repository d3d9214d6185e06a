package org.lemstriage.readside.store;

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
    private static final String LATEST = "select decision from (select distinct on (episode_id) action, decision from triage_decision ";
    private static final String OPEN = " order by episode_id, version desc) latest where action in ('OPEN', 'UPDATE')";
    private static final String LATEST_OPEN = LATEST + "where patient_key = any (?)" + OPEN;
    /** Bounded: a worklist longer than this is a page nobody reads; the console says when it was cut */
    public static final int WORKLIST_LIMIT = 2000;
    private static final String ALL_OPEN = LATEST + OPEN + " limit " + (WORKLIST_LIMIT + 1);

    private final AgroalDataSource database;

    public OpenEpisodes(AgroalDataSource database) {
        this.database = database;
    }

    /** The open episodes of a patient known by any of {@code patientKeys} (a literal reference, an identifier key). */
    public List<TriageDecision> of(List<String> patientKeys) throws SQLException {
        try (Connection c = database.getConnection(); PreparedStatement s = c.prepareStatement(LATEST_OPEN)) {
            Array keys = c.createArrayOf("varchar", patientKeys.toArray());
            s.setArray(1, keys);
            return decisions(s);
        }
    }

    /** Every open episode (the worklist), at most {@link #WORKLIST_LIMIT} + 1 to tell that there are more. */
    public List<TriageDecision> all() throws SQLException {
        try (Connection c = database.getConnection(); PreparedStatement s = c.prepareStatement(ALL_OPEN)) {
            return decisions(s);
        }
    }

    /** The decisions a statement selects in its first column, as published. */
    static List<TriageDecision> decisions(PreparedStatement statement) throws SQLException {
        List<TriageDecision> found = new ArrayList<>();
        try (ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                found.add(EventJson.mapper().readValue(rs.getString(1), TriageDecision.class));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // stored only after it was read once: not expected
        }
        return found;
    }
}
