package org.lemstriage.notifier.kafka;

import io.quarkus.kafka.client.serialization.ObjectMapperSerializer;
import org.lemstriage.model.event.EventJson;
import org.lemstriage.model.event.TriageDecision;

/**
 * TriageDecision JSON onto triage.decision.dlq. SmallRye's dead-letter queue finds its serializer by the
 * deserializer's name ({@link TriageDecisionDeserializer}), also for the channel's concurrent copies.
 */
public class TriageDecisionSerializer extends ObjectMapperSerializer<TriageDecision> {
    public TriageDecisionSerializer() {
        super(EventJson.mapper());
    }
}
