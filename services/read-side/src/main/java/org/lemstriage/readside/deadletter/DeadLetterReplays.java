package org.lemstriage.readside.deadletter;

import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Reference;
import org.jboss.logging.Logger;
import org.lemstriage.readside.store.AuditRecord;
import org.lemstriage.readside.store.AuditStore;
import org.lemstriage.readside.store.DecisionRecord;
import org.lemstriage.readside.store.UnreadableRecord;
import org.lemstriage.readside.trail.ReadAuditTrail;
import org.lemstriage.model.Topics;
import org.lemstriage.model.fhir.AuditEvents;
import org.lemstriage.model.kafka.DeadLetterReplay;
import org.lemstriage.model.kafka.KafkaClientSettings;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An operator's replay of parked records. Each record is claimed in the ledger (a second request finds the claim and
 * sends nothing), audited (an AuditEvent naming the operator, the parked record and where it goes: no audit, no
 * replay), then sent back to the topic it came from (DeadLetterReplay), and the claim confirmed; a send that fails
 * releases the claim, is audited as failed, and may be asked again. A record the audit store parked is stored again by
 * the store itself, not sent back to its topic, which other services read too. A record sent twice all the same (the
 * broker wrote it but its answer was lost) is harmless: every consumer is idempotent.
 */
@ApplicationScoped
public class DeadLetterReplays {
    /** The parked record's place in AuditEvent.entity.what.identifier: {@code topic/partition/offset}. */
    public static final String PARKED_RECORD = "urn:lems-triage:kafka-record";
    /** Where a record of triage.audit-store.dlq goes back to. */
    static final String AUDIT_STORE = "the audit store";
    /** Records one request replays at the most: a larger topic is replayed in turns, each request saying how many are left. */
    static final int AT_MOST_PER_REQUEST = 500;
    private static final Logger LOG = Logger.getLogger(DeadLetterReplays.class);
    /** A send's outcome is final within the producer's delivery timeout: after it, no late delivery of a failed send */
    private static final int DELIVERY_TIMEOUT_MS = 30_000;

    public enum State { REPLAYED, ALREADY_REPLAYED, NOT_REPLAYABLE, NOT_FOUND, FAILED }

    /** What became of one parked record ({@code topic/partition/offset}); detail: where it went, or why not. */
    public record Outcome(String parked, State state, String detail) {
    }

    /** A replay of a topic: each record's outcome, and how many records not replayed before are left for the next. */
    public record Batch(List<Outcome> outcomes, int left) {
    }

    private final ParkedRecords parked;
    private final ReplayLedger ledger;
    private final ReadAuditTrail trail;
    private final AuditStore store;
    private final KafkaProducer<byte[], byte[]> producer;

    public DeadLetterReplays(ParkedRecords parked, ReplayLedger ledger, ReadAuditTrail trail, AuditStore store,
                             @Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.parked = parked;
        this.ledger = ledger;
        this.trail = trail;
        this.store = store;
        Map<String, Object> config = KafkaClientSettings.of(kafka, ProducerConfig.configNames(), "lems-triage-read-side-replay");
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, DELIVERY_TIMEOUT_MS / 2);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, DELIVERY_TIMEOUT_MS);
        this.producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Replays the record at that place. */
    public Outcome one(String topic, int partition, long offset, Reference operator) throws SQLException {
        var record = parked.at(topic, partition, offset);
        if (record.isEmpty()) {
            return new Outcome(topic + "/" + partition + "/" + offset, State.NOT_FOUND, "the topic holds no such record");
        }
        return replay(record.get(), operator);
    }

    /** Replays the topic's records not replayed before, {@value #AT_MOST_PER_REQUEST} at the most, oldest first per partition. */
    public Batch all(String topic, Reference operator) throws SQLException {
        Map<String, ReplayLedger.Replayed> before = ledger.of(topic);
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        int[] left = {0};
        parked.each(topic, r -> {
            if (!before.containsKey(ReplayLedger.key(r))) {
                if (records.size() < AT_MOST_PER_REQUEST) {
                    records.add(r);
                } else {
                    left[0]++;
                }
            }
        });
        List<Outcome> outcomes = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            outcomes.add(replay(r, operator));
        }
        return new Batch(outcomes, left[0]);
    }

    private Outcome replay(ConsumerRecord<byte[], byte[]> record, Reference operator) {
        String where = DeadLetterReplay.where(record);
        ProducerRecord<byte[], byte[]> replay = null;
        String to = AUDIT_STORE;
        if (!Topics.AUDIT_STORE_DLQ.equals(record.topic())) {
            try {
                replay = DeadLetterReplay.of(record);
                to = replay.topic();
            } catch (DeadLetterReplay.NotReplayable e) {
                audit(where, operator, AuditEvent.AuditEventOutcome._4, "not replayed: " + e.getMessage(), "parked record not replayed");
                return new Outcome(where, State.NOT_REPLAYABLE, e.getMessage());
            }
        }
        try {
            if (!ledger.claim(record, to, operator.getDisplay())) {
                return ledger.of(record).map(r -> new Outcome(where, State.ALREADY_REPLAYED, (r.confirmed() == null
                        ? "a replay to " + r.to() + " is under way since " + r.at() : "replayed to " + r.to() + " at " + r.confirmed())
                        + " by " + r.by())).orElse(new Outcome(where, State.FAILED, "its replay could not be claimed; ask again"));
            }
        } catch (SQLException e) {
            return new Outcome(where, State.FAILED, "the database did not answer (" + e.getSQLState() + "): nothing sent; ask again");
        }
        if (!audit(where, operator, AuditEvent.AuditEventOutcome._0, null, "parked record replayed to " + to)) {
            release(record);
            return new Outcome(where, State.FAILED, "the audit trail did not confirm the replay's AuditEvent: nothing sent; ask again");
        }
        String failed = replay == null ? storeAgain(record) : send(replay);
        if (failed != null) {
            release(record);
            audit(where, operator, AuditEvent.AuditEventOutcome._4, "not replayed: " + failed, "parked record not replayed");
            return new Outcome(where, State.FAILED, failed + "; ask again");
        }
        try {
            ledger.confirm(record);
        } catch (SQLException e) {
            LOG.errorf("%s replayed to %s; its confirmation was not recorded (%s)", where, to, e.getSQLState());
        }
        LOG.infof("%s replayed to %s", where, to);
        return new Outcome(where, State.REPLAYED, to);
    }

    /** Sends the record back to its topic; null when the broker has it, else why not. */
    private String send(ProducerRecord<byte[], byte[]> replay) {
        try {
            producer.send(replay).get(DELIVERY_TIMEOUT_MS + 5_000L, TimeUnit.MILLISECONDS);
            return null;
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return "the broker did not take it (" + cause.getClass().getSimpleName() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** A record the audit store parked, read and stored again by the store; null when stored, else why not. */
    private String storeAgain(ConsumerRecord<byte[], byte[]> record) {
        String origin = DeadLetterReplay.header(record.headers(), DeadLetterReplay.TOPIC).orElse("");
        try {
            int partition = Integer.parseInt(DeadLetterReplay.header(record.headers(), DeadLetterReplay.PARTITION).orElse(""));
            long offset = Long.parseLong(DeadLetterReplay.header(record.headers(), DeadLetterReplay.OFFSET).orElse(""));
            String value = record.value() == null ? null : new String(record.value(), StandardCharsets.UTF_8);
            if (Topics.TRIAGE_AUDIT.equals(origin)) {
                store.saveEvents(List.of(AuditRecord.parse(partition, offset, value)));
            } else if (Topics.TRIAGE_DECISION.equals(origin)) {
                store.saveDecisions(List.of(DecisionRecord.parse(partition, offset, value)));
            } else {
                return "its dead-letter-topic header names no topic the audit store reads";
            }
            return null;
        } catch (NumberFormatException e) {
            return "its dead-letter-partition or -offset header is not a number";
        } catch (UnreadableRecord | AuditStore.Unstorable e) {
            return "the audit store still cannot take it: " + e.getMessage();
        } catch (SQLException e) {
            return "the database did not answer (" + e.getSQLState() + ")";
        }
    }

    private void release(ConsumerRecord<byte[], byte[]> record) {
        try {
            ledger.release(record);
        } catch (SQLException e) {
            LOG.errorf("%s: a failed replay's claim was not released (%s): it may be asked again in %d minutes",
                    DeadLetterReplay.where(record), e.getSQLState(), ReplayLedger.STALE_CLAIM_MINUTES);
        }
    }

    /** One AuditEvent per record and step: the operator, the parked record, and where it goes or why it did not. */
    private boolean audit(String where, Reference operator, AuditEvent.AuditEventOutcome outcome, String description, String what) {
        AuditEvent event = AuditEvents.rest("create", AuditEvent.AuditEventAction.C, outcome, description, "read-side", false);
        event.addAgent().setRequestor(true).setWho(operator);
        event.addEntity().setType(new Coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "2", "System Object"))
                .setWhat(new Reference().setIdentifier(new org.hl7.fhir.r4.model.Identifier().setSystem(PARKED_RECORD).setValue(where)))
                .setName(what);
        return trail.sent(event);
    }

    @PreDestroy
    void close() {
        producer.close(java.time.Duration.ofSeconds(5));
    }
}
