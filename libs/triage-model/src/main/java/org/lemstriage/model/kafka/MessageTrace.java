package org.lemstriage.model.kafka;

import io.opentelemetry.context.Scope;
import io.smallrye.reactive.messaging.TracingMetadata;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * The trace a consumed record belongs to, made current while it is handled: SmallRye's Kafka instrumentation opens a
 * span for each record it reads (from the record's {@code traceparent}) and keeps it in the message's metadata; what
 * the handler calls (the EHR) then continues that trace, whichever thread handles it.
 */
public final class MessageTrace {
    private MessageTrace() {
    }

    /** Close it when the message is handled; a no-op when tracing is off. */
    public static Scope current(Message<?> message) {
        return TracingMetadata.fromMessage(message).map(trace -> trace.getCurrentContext().makeCurrent()).orElse(Scope.noop());
    }
}
