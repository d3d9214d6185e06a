package org.lemstriage.model.serde;

import org.lemstriage.model.event.ClinicalContext;

/** {@link ClinicalContext} on triage.context.v1: the one serializer and deserializer of that topic's writer and readers. */
public class ClinicalContextSerde extends EventSerde<ClinicalContext> {
    public ClinicalContextSerde() {
        super(ClinicalContext.class);
    }
}
