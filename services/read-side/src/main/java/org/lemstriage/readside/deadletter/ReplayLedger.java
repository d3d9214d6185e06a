package org.lemstriage.readside.deadletter;

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
 * Which parked records were replayed, when, by whom and to where (V6). A replay claims its record before anything is
 * sent, atomically: of two requests for one record, one claims it and the other finds the claim. The claim is confirmed
 * once the record is sent, or released when it could not be; one never confirmed is taken over after
 * {@value #STALE_CLAIM_MINUTES} minutes. A parked record is named by its place and the time it was parked, so that a
 * recreated dead-letter topic's new records are not taken for the old ones.
 */
@ApplicationScoped
public class ReplayLedger {
    static final int STALE_CLAIM_MINUTES = 2;
    private static final String CLAIM = "insert into dead_letter_replay (dlq_topic, dlq_partition, dlq_offset, parked_at, "
            + "replayed_to, replayed_at, replayed_by) values (?, ?, ?, ?, ?, ?, ?) on conflict (dlq_topic, dlq_partition, dlq_offset, parked_at) "
            + "do update set replayed_to = excluded.replayed_to, replayed_at = excluded.replayed_at, replayed_by = excluded.replayed_by "
            + "where dead_letter_replay.confirmed_at is null and dead_letter_replay.replayed_at < excluded.replayed_at - interval '"
            + STALE_CLAIM_MINUTES + " minutes'";
    private static final String CONFIRM = "update dead_letter_replay set confirmed_at = now() "
            + "where dlq_topic = ? and dlq_partition = ? and dlq_offset = ? and parked_at = ? and confirmed_at is null";
    private static final String RELEASE = "delete from dead_letter_replay "
            + "where dlq_topic = ? and dlq_partition = ? and dlq_offset = ? and parked_at = ? and confirmed_at is null";
    private static final String ONE = "select replayed_to, replayed_at, replayed_by, confirmed_at from dead_letter_replay "
            + "where dlq_topic = ? and dlq_partition = ? and dlq_offset = ? and parked_at = ?";
    private static final String OF_TOPIC = "select dlq_partition, dlq_offset, parked_at, replayed_to, replayed_at, replayed_by, "
            + "confirmed_at from dead_letter_replay where dlq_topic = ?";

    /** A replay: where to, when asked, who asked (as their token named them), and when it was sent (null: not yet). */
    public record Replayed(String to, Instant at, String by, Instant confirmed) {
    }

    private final AgroalDataSource database;

    public ReplayLedger(AgroalDataSource database) {
        this.database = database;
    }

    /** Claims the record for a replay; false when another replay holds or made it. */
    public boolean claim(ConsumerRecord<?, ?> parked, String to, String by) throws SQLException {
        try (Connection c = database.getConnection(); PreparedStatement s = c.prepareStatement(CLAIM)) {
            place(s, parked);
            s.setString(5, to);
            s.setTimestamp(6, Timestamp.from(Instant.now()));
            s.setString(7, by);
            return s.executeUpdate() == 1;
        }
    }

    /** The record was sent. */
    public void confirm(ConsumerRecord<?, ?> parked) throws SQLException {
        update(CONFIRM, parked);
    }

    /** The record could not be sent: it may be asked for again at once. */
    public void release(ConsumerRecord<?, ?> parked) throws SQLException {
        update(RELEASE, parked);
    }

    public Optional<Replayed> of(ConsumerRecord<?, ?> parked) throws SQLException {
        try (Connection c = database.getConnection(); PreparedStatement s = c.prepareStatement(ONE)) {
            place(s, parked);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(new Replayed(rs.getString(1), rs.getTimestamp(2).toInstant(), rs.getString(3),
                        instant(rs.getTimestamp(4)))) : Optional.empty();
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
                            new Replayed(rs.getString(4), rs.getTimestamp(5).toInstant(), rs.getString(6), instant(rs.getTimestamp(7))));
                }
            }
        }
        return replays;
    }

    /** How {@link #of(String)} names a parked record. */
    public static String key(ConsumerRecord<?, ?> parked) {
        return parked.partition() + "/" + parked.offset() + "@" + parked.timestamp();
    }

    private void update(String sql, ConsumerRecord<?, ?> parked) throws SQLException {
        try (Connection c = database.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            place(s, parked);
            s.executeUpdate();
        }
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    private static void place(PreparedStatement s, ConsumerRecord<?, ?> parked) throws SQLException {
        s.setString(1, parked.topic());
        s.setInt(2, parked.partition());
        s.setLong(3, parked.offset());
        s.setTimestamp(4, Timestamp.from(Instant.ofEpochMilli(parked.timestamp())));
    }
}
