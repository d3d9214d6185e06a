package org.lemstriage.audit.deadletter;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.jboss.logging.Logger;
import org.lemstriage.audit.trail.ReadAuditTrail;
import org.lemstriage.model.fhir.AuditEvents;
import org.lemstriage.model.kafka.DeadLetterReplay;
import org.lemstriage.model.kafka.KafkaClientSettings;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An operator's replay of parked records: each record is sent back to the topic it came from (DeadLetterReplay),
 * recorded in the ledger, and audited (an AuditEvent naming the operator, the parked record and where it went). A
 * record the ledger holds as replayed is not sent again. The send comes before the ledger: a replay that fails half
 * way can be asked again, and a record sent twice (two operators at once) is harmless, since every consumer is
 * idempotent.
 */
@ApplicationScoped
public class DeadLetterReplays {
    /** The parked record's place in AuditEvent.entity.what.identifier: {@code topic/partition/offset}. */
    public static final String PARKED_RECORD = "urn:lems-triage:kafka-record";
    private static final Logger LOG = Logger.getLogger(DeadLetterReplays.class);
    private static final long SEND_TIMEOUT_SECONDS = 30;

    public enum State { REPLAYED, ALREADY_REPLAYED, NOT_REPLAYABLE, NOT_FOUND, FAILED }

    /** What became of one parked record ({@code topic/partition/offset}); detail: where it went, or why not. */
    public record Outcome(String parked, State state, String detail) {
    }

    private final ParkedRecords parked;
    private final ReplayLedger ledger;
    private final ReadAuditTrail trail;
    private final KafkaProducer<byte[], byte[]> producer;

    public DeadLetterReplays(ParkedRecords parked, ReplayLedger ledger, ReadAuditTrail trail,
                             @io.smallrye.common.annotation.Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.parked = parked;
        this.ledger = ledger;
        this.trail = trail;
        Map<String, Object> config = KafkaClientSettings.of(kafka, ProducerConfig.configNames(), "lems-triage-audit-replay");
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
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

    /** Replays every record the topic holds that was not replayed before. */
    public List<Outcome> all(String topic, Reference operator) throws SQLException {
        Map<String, ReplayLedger.Replayed> before = ledger.of(topic);
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        parked.each(topic, r -> {
            if (!before.containsKey(ReplayLedger.key(r))) {
                records.add(r);
            }
        });
        List<Outcome> outcomes = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            outcomes.add(replay(r, operator));
        }
        return outcomes;
    }

    private Outcome replay(ConsumerRecord<byte[], byte[]> record, Reference operator) throws SQLException {
        String where = DeadLetterReplay.where(record);
        var earlier = ledger.of(record);
        if (earlier.isPresent()) {
            return new Outcome(where, State.ALREADY_REPLAYED, "replayed to " + earlier.get().to() + " at " + earlier.get().at()
                    + " by " + earlier.get().by());
        }
        ProducerRecord<byte[], byte[]> replay;
        try {
            replay = DeadLetterReplay.of(record);
        } catch (DeadLetterReplay.NotReplayable e) {
            audit(where, null, operator, e.getMessage());
            return new Outcome(where, State.NOT_REPLAYABLE, e.getMessage());
        }
        try {
            producer.send(replay).get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            LOG.warnf("replay of %s to %s failed: %s", where, replay.topic(), cause.getClass().getSimpleName());
            return new Outcome(where, State.FAILED, "the broker did not take it (" + cause.getClass().getSimpleName() + "); ask again");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(where, State.FAILED, "interrupted; ask again");
        }
        ledger.record(record, new ReplayLedger.Replayed(replay.topic(), Instant.now(), operator.getDisplay()));
        LOG.infof("%s replayed to %s", where, replay.topic());
        if (!audit(where, replay.topic(), operator, null)) {
            LOG.errorf("%s was replayed to %s, but its AuditEvent was not confirmed: the ledger holds who and when", where, replay.topic());
        }
        return new Outcome(where, State.REPLAYED, replay.topic());
    }

    /** One AuditEvent per record: the operator, the parked record, and where it went or why it could not. */
    private boolean audit(String where, String to, Reference operator, String refused) {
        AuditEvent event = AuditEvents.rest("create", AuditEvent.AuditEventAction.C,
                refused == null ? AuditEvent.AuditEventOutcome._0 : AuditEvent.AuditEventOutcome._4,
                refused == null ? null : "not replayed: " + refused, "audit", false);
        event.addAgent().setRequestor(true).setWho(operator);
        event.addEntity().setType(new Coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "2", "System Object"))
                .setWhat(new Reference().setIdentifier(new Identifier().setSystem(PARKED_RECORD).setValue(where)))
                .setName(refused == null ? "parked record replayed to " + to : "parked record not replayed");
        return trail.sent(event);
    }

    @PreDestroy
    void close() {
        producer.close(java.time.Duration.ofSeconds(5));
    }
}
