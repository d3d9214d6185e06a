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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every decision of the episodes opened in a period (their first decision's time), oldest version first. */
@ApplicationScoped
public class EpisodeHistories {
    /** Bounded: a hospital opens hundreds of episodes a year; past this the yield asks for a shorter period. */
    public static final int LIMIT = 50_000;
    private static final String OPENED_IN = "select decision from triage_decision where episode_id in (select episode_id "
            + "from triage_decision group by episode_id having min(decided_at) >= ? and min(decided_at) < ?) "
            + "order by episode_id, version limit " + (LIMIT + 1);
    private static final String FIRST = "select min(decided_at) from triage_decision";

    private final AgroalDataSource database;

    public EpisodeHistories(AgroalDataSource database) {
        this.database = database;
    }

    /** Each episode's decisions, by episode id; {@code from} inclusive, {@code to} exclusive. */
    public Map<String, List<TriageDecision>> openedBetween(Instant from, Instant to) throws SQLException {
        Map<String, List<TriageDecision>> episodes = new LinkedHashMap<>();
        try (Connection c = database.getConnection(); PreparedStatement s = c.prepareStatement(OPENED_IN)) {
            s.setTimestamp(1, Timestamp.from(from));
            s.setTimestamp(2, Timestamp.from(to));
            List<TriageDecision> decisions = OpenEpisodes.decisions(s);
            if (decisions.size() > LIMIT) {
                throw new TooMany("more than " + LIMIT + " decisions in the period: ask for a shorter one (periodStart, periodEnd)");
            }
            decisions.forEach(d -> episodes.computeIfAbsent(d.episodeId(), e -> new ArrayList<>()).add(d));
        }
        return episodes;
    }

    /** More decisions in a period than one report reads. */
    public static final class TooMany extends RuntimeException {
        TooMany(String message) {
            super(message);
        }
    }

    /** The first decision's time, or null when none is stored. */
    public Instant first() throws SQLException {
        try (Connection c = database.getConnection(); PreparedStatement s = c.prepareStatement(FIRST); var rs = s.executeQuery()) {
            rs.next();
            Timestamp first = rs.getTimestamp(1);
            return first == null ? null : first.toInstant();
        }
    }
}
