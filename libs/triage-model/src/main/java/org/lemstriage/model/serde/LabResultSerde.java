package org.lemstriage.model.serde;

import org.lemstriage.model.event.LabResult;

/** {@link LabResult} on lab.observation.v1: the one serializer and deserializer of that topic's writer and readers. */
public class LabResultSerde extends EventSerde<LabResult> {
    public LabResultSerde() {
        super(LabResult.class);
    }
}
