package org.lemstriage.notifier.kafka;

import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import io.opentelemetry.context.Scope;
import org.lemstriage.model.Topics;
import org.lemstriage.model.kafka.MessageTrace;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;
import org.lemstriage.model.event.TriageDecision;
import org.lemstriage.ehrclient.EhrFailure;
import org.lemstriage.model.metrics.RecordCounters;
import org.lemstriage.notifier.audit.AuditTrail;
import org.lemstriage.notifier.ehr.EpisodeWriter;

import java.util.concurrent.CompletionStage;

/**
 * triage.decision.v1 -> EHR. The message is acknowledged (and its offset later committed) only after the EHR
 * confirmed and the audit record is on its topic; a failure nacks it, and the dead-letter-queue strategy parks it
 * on triage.decision.dlq with the EHR's answer in the dead-letter-reason header.
 */
@ApplicationScoped
public class DecisionConsumer {
    public static final String CHANNEL = "triage-decisions";
    private static final Logger LOG = Logger.getLogger(DecisionConsumer.class);

    private final EpisodeWriter writer;
    private final AuditTrail audit;
    private final RecordCounters counters;

    public DecisionConsumer(EpisodeWriter writer, AuditTrail audit, RecordCounters counters) {
        this.writer = writer;
        this.audit = audit;
        this.counters = counters;
    }

    @Incoming(CHANNEL)
    @Blocking
    public CompletionStage<Void> onDecision(Message<TriageDecision> message) {
        TriageDecision decision = message.getPayload();
        counters.in();
        try (Scope trace = MessageTrace.current(message)) {
            writer.write(decision).ifPresent(response -> {
                audit.written(decision, response);
                counters.out();
            });
        } catch (EhrFailure e) {
            String reason = e instanceof EhrFailure.Permanent p ? "ehr-rejected-" + p.status() : "ehr-unavailable";
            counters.rejected(reason);
            LOG.warnf("decision %s parked: %s", decision.decisionId(), reason);
            audit.parked(decision, e.getMessage());
            counters.deadLettered(Topics.TRIAGE_DECISION_DLQ);
            // Nacked, not thrown: SmallRye would log a thrown failure whole, and its message quotes the EHR's
            // OperationOutcome, whose wording may echo patient data. It goes to the DLQ header only.
            return message.nack(e);
        }
        return message.ack();
    }
}
