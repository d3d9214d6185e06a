package org.lemstriage.model.trace;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;

import java.util.List;

/**
 * Keeps patient data out of exported spans: HTTP instrumentation records the request's path and query
 * ({@code /fhir/AuditEvent?patient=...}, {@code /patients/{key}/triage}) and Kafka's may record a record's key, the
 * patient key. Each such attribute is replaced as the span starts; the span's name (the route template, the topic)
 * still says what was called. Each service registers it as a CDI bean, which Quarkus' OpenTelemetry adds to its tracer.
 */
public class SpansWithoutPatientData implements SpanProcessor {
    static final String REDACTED = "redacted";
    static final List<AttributeKey<String>> PATIENT_BEARING = List.of(AttributeKey.stringKey("url.query"),
            AttributeKey.stringKey("url.full"), AttributeKey.stringKey("url.path"), AttributeKey.stringKey("http.target"),
            AttributeKey.stringKey("http.url"), AttributeKey.stringKey("messaging.kafka.message.key"));

    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {
        for (AttributeKey<String> key : PATIENT_BEARING) {
            if (span.getAttribute(key) != null) {
                span.setAttribute(key, REDACTED);
            }
        }
    }

    @Override
    public boolean isStartRequired() {
        return true;
    }

    @Override
    public void onEnd(ReadableSpan span) {
        // Nothing: what is recorded at the end (status, route, sizes) names no patient
    }

    @Override
    public boolean isEndRequired() {
        return false;
    }
}
