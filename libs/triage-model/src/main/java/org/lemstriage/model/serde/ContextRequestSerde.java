package org.lemstriage.model.serde;

import org.lemstriage.model.event.ContextRequest;

/** {@link ContextRequest} on triage.context-request.v1: the one serializer and deserializer of that topic's writer and readers. */
public class ContextRequestSerde extends EventSerde<ContextRequest> {
    public ContextRequestSerde() {
        super(ContextRequest.class);
    }
}
