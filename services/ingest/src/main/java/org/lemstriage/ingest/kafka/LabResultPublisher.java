package org.lemstriage.ingest.kafka;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.lemstriage.model.event.LabResult;

/** Publishes to lab.observation.v1, keyed by patient; the Uni completes only once the broker acknowledged (acks=all). */
@ApplicationScoped
public class LabResultPublisher {
    public static final String CHANNEL = "lab-results";

    private final MutinyEmitter<LabResult> emitter;

    public LabResultPublisher(@Channel(CHANNEL) MutinyEmitter<LabResult> emitter) {
        this.emitter = emitter;
    }

    public Uni<Void> publish(LabResult result) {
        return emitter.sendMessage(Message.of(result)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(result.patientKey()).build()));
    }
}
