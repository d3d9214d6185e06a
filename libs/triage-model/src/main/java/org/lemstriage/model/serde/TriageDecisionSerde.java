package org.lemstriage.model.serde;

import org.lemstriage.model.event.TriageDecision;

/** {@link TriageDecision} on triage.decision.v1: the one serializer and deserializer of that topic's writer and readers. */
public class TriageDecisionSerde extends EventSerde<TriageDecision> {
    public TriageDecisionSerde() {
        super(TriageDecision.class);
    }
}
