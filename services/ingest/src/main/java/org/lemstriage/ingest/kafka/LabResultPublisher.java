package org.lemstriage.ingest.kafka;

import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.lemstriage.ingest.IngestConfig;
import org.lemstriage.model.event.LabResult;

import java.time.Duration;

/** Publishes to lab.observation.v1, keyed by patient, and waits for the broker's acknowledgement (acks=all). */
@ApplicationScoped
public class LabResultPublisher {
    public static final String CHANNEL = "lab-results";

    private final MutinyEmitter<LabResult> emitter;
    private final Duration timeout;

    public LabResultPublisher(@Channel(CHANNEL) MutinyEmitter<LabResult> emitter, IngestConfig config) {
        this.emitter = emitter;
        this.timeout = config.publishTimeout();
    }

    /** Returns once the broker confirmed; throws when it refused or did not confirm within the publish timeout. */
    public void publish(LabResult result) {
        emitter.sendMessage(Message.of(result)
                        .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(result.patientKey()).build()))
                .await().atMost(timeout);
    }
}
