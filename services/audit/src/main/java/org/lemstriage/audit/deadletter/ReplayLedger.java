package org.lemstriage.audit.deadletter;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Which parked records were replayed, when, by whom and to where: one row each, never changed (V6). A parked record is
 * named by its place and the time it was parked, so that a recreated dead-letter topic's new records are not taken for
 * the old ones.
 */
@ApplicationScoped
public class ReplayLedger {
    private static final String RECORD = "insert into dead_letter_replay (dlq_topic, dlq_partition, dlq_offset, parked_at, "
            + "replayed_to, replayed_at, replayed_by) values (?, ?, ?, ?, ?, ?, ?) on conflict do nothing";
    private static final String ONE = "select replayed_to, replayed_at, replayed_by from dead_letter_replay "
            + "where dlq_topic = ? and dlq_partition = ? and dlq_offset = ? and parked_at = ?";
    private static final String OF_TOPIC = "select dlq_partition, dlq_offset, parked_at, replayed_to, replayed_at, replayed_by "
            + "from dead_letter_replay where dlq_topic = ?";

    /** A replay: the topic it went to, when, and who asked (as their token named them). */
    public record Replayed(String to, Instant at, String by) {
    }

    private final AgroalDataSource database;

    public ReplayLedger(AgroalDataSource database) {
        this.database = database;
    }

    /** Records the replay; false when that record was already recorded as replayed. */
    public boolean record(ConsumerRecord<?, ?> parked, Replayed replay) throws SQLException {
        try (Connection c = database.getConnection(); PreparedStatement s = c.prepareStatement(RECORD)) {
            place(s, parked);
            s.setString(5, replay.to());
            s.setTimestamp(6, Timestamp.from(replay.at()));
            s.setString(7, replay.by());
            return s.executeUpdate() == 1;
        }
    }

    public Optional<Replayed> of(ConsumerRecord<?, ?> parked) throws SQLException {
        try (Connection c = database.getConnection(); PreparedStatement s = c.prepareStatement(ONE)) {
            place(s, parked);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(new Replayed(rs.getString(1), rs.getTimestamp(2).toInstant(), rs.getString(3))) : Optional.empty();
            }
        }
    }

    /** Every replay of a topic's records, by {@link #key}. */
    public Map<String, Replayed> of(String topic) throws SQLException {
        Map<String, Replayed> replays = new HashMap<>();
        try (Connection c = database.getConnection(); PreparedStatement s = c.prepareStatement(OF_TOPIC)) {
            s.setString(1, topic);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    replays.put(rs.getInt(1) + "/" + rs.getLong(2) + "@" + rs.getTimestamp(3).toInstant().toEpochMilli(),
                            new Replayed(rs.getString(4), rs.getTimestamp(5).toInstant(), rs.getString(6)));
                }
            }
        }
        return replays;
    }

    /** How {@link #of(String)} names a parked record. */
    public static String key(ConsumerRecord<?, ?> parked) {
        return parked.partition() + "/" + parked.offset() + "@" + parked.timestamp();
    }

    private static void place(PreparedStatement s, ConsumerRecord<?, ?> parked) throws SQLException {
        s.setString(1, parked.topic());
        s.setInt(2, parked.partition());
        s.setLong(3, parked.offset());
        s.setTimestamp(4, Timestamp.from(Instant.ofEpochMilli(parked.timestamp())));
    }
}
