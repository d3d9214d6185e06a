package org.lemstriage.ingest.kafka;

import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.transactions.KafkaTransactions;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.lemstriage.ingest.IngestConfig;
import org.lemstriage.model.event.LabResult;

import java.time.Duration;
import java.util.List;

/**
 * A FHIR transaction Bundle's results onto lab.observation.v1 in one Kafka transaction: consumers reading committed
 * records (the classifier) see all of them or none. One transaction at a time per producer, so calls are serialised.
 */
@ApplicationScoped
public class TransactionalPublisher {
    public static final String CHANNEL = "lab-results-tx";

    private final KafkaTransactions<LabResult> transactions;
    private final Duration timeout;

    public TransactionalPublisher(@Channel(CHANNEL) KafkaTransactions<LabResult> transactions, IngestConfig config) {
        this.transactions = transactions;
        this.timeout = config.publishTimeout();
    }

    /** Blocks until the transaction committed; throws if it did not within the publish timeout (nothing of it is then visible). */
    public synchronized void publishAll(List<LabResult> results) {
        if (results.isEmpty()) {
            return;
        }
        transactions.withTransaction(emitter -> {
            for (LabResult result : results) {
                emitter.send(Message.of(result)
                        .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(result.patientKey()).build()));
            }
            return io.smallrye.mutiny.Uni.createFrom().voidItem();
        }).await().atMost(timeout);
    }
}
