package org.lemstriage.notifier.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.lemstriage.model.event.TriageDecision;
import org.lemstriage.model.kafka.ResultAccepted;

import java.time.Duration;
import java.time.Instant;

/**
 * {@code lemstriage_result_to_task_seconds{tier}}: from a result accepted (ingest's record on lab.observation.v1) to the
 * EHR's confirmation of the Tasks its decision wrote; the figure a clinical lead asks for first. Decisions made on a
 * timer carry no accepted time and are not counted; a replayed result counts from its replay.
 */
@ApplicationScoped
public class ResultToTask {
    static final String METRIC = "lemstriage.result.to.task";

    private final MeterRegistry registry;

    public ResultToTask(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Called once the EHR confirmed the decision's write; a clock behind ingest's counts zero, not a negative time. */
    public void written(TriageDecision decision, Message<?> message) {
        message.getMetadata(IncomingKafkaRecordMetadata.class).flatMap(m -> ResultAccepted.in(m.getHeaders())).ifPresent(accepted ->
                Timer.builder(METRIC).description("From a result accepted by ingest to its decision's Tasks written in the EHR")
                        .tag("tier", decision.tier().name()).publishPercentileHistogram()
                        .minimumExpectedValue(Duration.ofMillis(10)).maximumExpectedValue(Duration.ofDays(1))
                        .register(registry).record(max(Duration.between(accepted, Instant.now()), Duration.ZERO)));
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
