package org.lemstriage.audit.kafka;

import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.lemstriage.audit.store.AuditRecord;
import org.lemstriage.audit.store.AuditStore;
import org.lemstriage.audit.store.DecisionRecord;
import org.lemstriage.model.metrics.RecordCounters;

import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CompletionStage;

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
        if (!records.isEmpty()) {
            store.saveEvents(records);
        }
        return stored(batch, records.size());
    }

    @Incoming(DECISIONS)
    @Blocking(ordered = true)
    public CompletionStage<Void> storeDecisions(KafkaRecordBatch<String, String> batch) throws SQLException {
        List<DecisionRecord> records = deadLetters.readable(batch, DecisionRecord::parse);
        if (!records.isEmpty()) {
            store.saveDecisions(records);
        }
        return stored(batch, records.size());
    }

    private CompletionStage<Void> stored(KafkaRecordBatch<String, String> batch, int written) {
        for (int i = 0; i < written; i++) {
            counters.out();
        }
        return batch.ack();
    }
}
