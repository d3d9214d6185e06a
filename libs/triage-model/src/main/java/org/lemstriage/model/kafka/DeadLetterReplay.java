package org.lemstriage.model.kafka;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.lemstriage.model.Topics;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A parked record sent back to the topic it came from: its key and value as parked, its headers without the
 * dead-letter ones and without its result's accepted time (a replayed record is timed from its replay), and a header
 * naming the parked record it replays. The origin comes from the record's
 * {@code dead-letter-topic} header (the name SmallRye's dead-letter queue and every lems-triage service write), and
 * only the topics a dead-letter topic collects from are accepted: a header cannot send a record anywhere else.
 * Replaying is safe because each consumer is idempotent (the notifier's conditional creates, the classifier's
 * per-patient state, the audit store keyed by AuditEvent and decision id).
 */
public final class DeadLetterReplay {
    public static final String REASON = "dead-letter-reason";
    public static final String CAUSE = "dead-letter-cause";
    public static final String TOPIC = "dead-letter-topic";
    public static final String PARTITION = "dead-letter-partition";
    public static final String OFFSET = "dead-letter-offset";
    /** On a replayed record: the parked record it replays, as {@code topic/partition/offset}. */
    public static final String REPLAYED_FROM = "lems-triage-replayed-from";

    /** Each dead-letter topic, and the topics whose records it parks (Topics, and each service's dead-letter writer). */
    public static final Map<String, Set<String>> ORIGINS = Map.of(
            Topics.LAB_OBSERVATION_DLQ, Set.of(Topics.LAB_OBSERVATION),
            Topics.CONTEXT_REQUEST_DLQ, Set.of(Topics.CONTEXT_REQUEST, Topics.CONTEXT),
            Topics.TRIAGE_DECISION_DLQ, Set.of(Topics.TRIAGE_DECISION),
            Topics.AUDIT_STORE_DLQ, Set.of(Topics.TRIAGE_AUDIT, Topics.TRIAGE_DECISION));

    private DeadLetterReplay() {
    }

    /** Why a parked record cannot be replayed. */
    public static final class NotReplayable extends Exception {
        NotReplayable(String reason) {
            super(reason, null, false, false);
        }
    }

    /** The record that replays {@code parked}, for the topic its header names. */
    public static <K, V> ProducerRecord<K, V> of(ConsumerRecord<K, V> parked) throws NotReplayable {
        Set<String> origins = ORIGINS.get(parked.topic());
        if (origins == null) {
            throw new NotReplayable(parked.topic() + " is not a dead-letter topic");
        }
        String origin = header(parked.headers(), TOPIC).orElseThrow(() -> new NotReplayable("no " + TOPIC + " header"));
        if (!origins.contains(origin)) {
            throw new NotReplayable("its " + TOPIC + " header names a topic " + parked.topic() + " does not collect from");
        }
        RecordHeaders headers = new RecordHeaders();
        for (Header h : parked.headers()) {
            if (!h.key().startsWith("dead-letter-") && !h.key().equals(REPLAYED_FROM) && !h.key().equals(ResultAccepted.HEADER)) {
                headers.add(h);
            }
        }
        headers.add(REPLAYED_FROM, bytes(where(parked)));
        return new ProducerRecord<>(origin, null, parked.key(), parked.value(), headers);
    }

    /** A record's place, {@code topic/partition/offset}: how a replay and its audit name the parked record. */
    public static String where(ConsumerRecord<?, ?> record) {
        return record.topic() + "/" + record.partition() + "/" + record.offset();
    }

    /** The last value of a header, as text. */
    public static Optional<String> header(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null || h.value() == null ? Optional.empty() : Optional.of(new String(h.value(), StandardCharsets.UTF_8));
    }

    private static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
