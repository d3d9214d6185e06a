package org.lemstriage.readside.deadletter;

import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.lemstriage.model.kafka.DeadLetterReplay;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the operator sees of each dead-letter topic: its records' places, when parked, where from, the reason headers
 * and whether they were replayed. Never a key or a value: those name patients.
 */
@ApplicationScoped
public class DeadLetterListing {
    /** A reason header longer than this is cut (every service writes short ones; a sender cannot make the page huge) */
    static final int REASON_LENGTH = 300;

    /** One parked record; {@code origin} is the place it was read from, {@code topic/partition/offset}. */
    public record Entry(int partition, long offset, Instant parkedAt, String origin, String cause, String reason,
                        ReplayLedger.Replayed replayed) {
    }

    /** A dead-letter topic: how many records it holds (offsets), and the latest of them. */
    public record TopicListing(String topic, long held, List<Entry> latest) {
    }

    private final ParkedRecords parked;
    private final ReplayLedger ledger;

    public DeadLetterListing(ParkedRecords parked, ReplayLedger ledger) {
        this.parked = parked;
        this.ledger = ledger;
    }

    /** Every dead-letter topic, in name order. */
    public List<TopicListing> all(int limit) throws SQLException {
        List<TopicListing> topics = new ArrayList<>();
        for (String topic : DeadLetterReplay.ORIGINS.keySet().stream().sorted().toList()) {
            topics.add(of(topic, limit));
        }
        return topics;
    }

    public TopicListing of(String topic, int limit) throws SQLException {
        ParkedRecords.Latest latest = parked.latest(topic, limit);
        Map<String, ReplayLedger.Replayed> replays = ledger.of(topic);
        return new TopicListing(topic, latest.held(), latest.records().stream()
                .map(r -> entry(r, replays.get(ReplayLedger.key(r)))).toList());
    }

    private static Entry entry(ConsumerRecord<byte[], byte[]> r, ReplayLedger.Replayed replayed) {
        String origin = DeadLetterReplay.header(r.headers(), DeadLetterReplay.TOPIC).orElse("?") + "/"
                + DeadLetterReplay.header(r.headers(), DeadLetterReplay.PARTITION).orElse("?") + "/"
                + DeadLetterReplay.header(r.headers(), DeadLetterReplay.OFFSET).orElse("?");
        String reason = DeadLetterReplay.header(r.headers(), DeadLetterReplay.REASON).orElse("");
        String cause = DeadLetterReplay.header(r.headers(), DeadLetterReplay.CAUSE)
                .orElse(reason.contains(":") ? reason.substring(0, reason.indexOf(':')) : reason);
        return new Entry(r.partition(), r.offset(), Instant.ofEpochMilli(r.timestamp()), cut(origin), cut(cause), cut(reason), replayed);
    }

    private static String cut(String text) {
        return text.length() <= REASON_LENGTH ? text : text.substring(0, REASON_LENGTH) + "…";
    }
}
