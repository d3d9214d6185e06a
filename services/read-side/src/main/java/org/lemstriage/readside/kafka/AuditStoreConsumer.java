package org.lemstriage.readside.kafka;

import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.lemstriage.readside.store.AuditRecord;
import org.lemstriage.readside.store.AuditStore;
import org.lemstriage.readside.store.DecisionRecord;
import org.lemstriage.readside.store.UnreadableRecord;
import org.lemstriage.model.metrics.RecordCounters;

import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.ToIntFunction;
import java.util.function.ToLongFunction;

/**
 * triage.audit.v1 and triage.decision.v1 -> the store, a batch per transaction. A batch is acknowledged (its offsets
 * committed later) once it is stored, its unreadable records parked first.
 */
@ApplicationScoped
public class AuditStoreConsumer {
    public static final String AUDIT_EVENTS = "audit-trail";
    public static final String DECISIONS = "decisions";

    private final AuditStore store;
    private final DeadLetters deadLetters;
    private final RecordCounters counters;

    public AuditStoreConsumer(AuditStore store, DeadLetters deadLetters, RecordCounters counters) {
        this.store = store;
        this.deadLetters = deadLetters;
        this.counters = counters;
    }

    @Incoming(AUDIT_EVENTS)
    @Blocking(ordered = true)
    public CompletionStage<Void> storeAuditEvents(KafkaRecordBatch<String, String> batch) throws SQLException {
        List<AuditRecord> records = deadLetters.readable(batch, AuditRecord::parse);
        return stored(batch, save(batch, records, store::saveEvents, AuditRecord::partition, AuditRecord::offset));
    }

    @Incoming(DECISIONS)
    @Blocking(ordered = true)
    public CompletionStage<Void> storeDecisions(KafkaRecordBatch<String, String> batch) throws SQLException {
        List<DecisionRecord> records = deadLetters.readable(batch, DecisionRecord::parse);
        return stored(batch, save(batch, records, store::saveDecisions, DecisionRecord::partition, DecisionRecord::offset));
    }

    /** What {@link AuditStore} does with a list of records: store them all, or throw. */
    @FunctionalInterface
    interface Save<T> {
        void save(List<T> records) throws SQLException;
    }

    /**
     * The batch in one transaction; if PostgreSQL refuses a value in it ({@link AuditStore.Unstorable}), each record in
     * a transaction of its own, and the one refused parked with the reason. How many were stored.
     */
    private <T> int save(KafkaRecordBatch<String, String> batch, List<T> records, Save<T> save,
                         ToIntFunction<T> partition, ToLongFunction<T> offset) throws SQLException {
        if (records.isEmpty()) {
            return 0;
        }
        try {
            save.save(records);
            return records.size();
        } catch (AuditStore.Unstorable refused) {
            int stored = 0;
            for (T record : records) {
                try {
                    save.save(List.of(record));
                    stored++;
                } catch (AuditStore.Unstorable one) {
                    for (var original : batch) {
                        IncomingKafkaRecordMetadata<String, String> where = original.getMetadata(IncomingKafkaRecordMetadata.class).orElseThrow();
                        if (where.getPartition() == partition.applyAsInt(record) && where.getOffset() == offset.applyAsLong(record)) {
                            deadLetters.park(where, original.getPayload(), new UnreadableRecord(one.getMessage(), null));
                        }
                    }
                }
            }
            return stored;
        }
    }

    private CompletionStage<Void> stored(KafkaRecordBatch<String, String> batch, int written) {
        for (int i = 0; i < written; i++) {
            counters.out();
        }
        return batch.ack();
    }
}
