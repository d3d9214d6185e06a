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
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.lemstriage.ehrclient.EhrFailure;
import org.lemstriage.ehrclient.PatientByIdentifier;
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
    private final ResultToTask resultToTask;

    public DecisionConsumer(EpisodeWriter writer, AuditTrail audit, RecordCounters counters, ResultToTask resultToTask) {
        this.writer = writer;
        this.audit = audit;
        this.counters = counters;
        this.resultToTask = resultToTask;
    }

    @Incoming(CHANNEL)
    @Blocking
    public CompletionStage<Void> onDecision(Message<TriageDecision> message) {
        TriageDecision decision = message.getPayload();
        counters.in();
        if (decision == null) {
            // Not TriageDecision JSON (fail-on-deserialization-failure is off): SmallRye parks its bytes as they came
            return park(message, null, "unreadable", "not TriageDecision JSON");
        }
        try (Scope trace = MessageTrace.current(message)) {
            writer.write(decision).ifPresent(written -> {
                audit.written(decision, written);
                resultToTask.written(decision, message);
                counters.out();
            });
        } catch (EhrFailure e) {
            // Its summary: ids and status codes. The EHR's own OperationOutcome may echo an identifier or a value
            return park(message, decision, e instanceof EhrFailure.Permanent p ? "ehr-rejected-" + p.status() : "ehr-unavailable",
                    e.summary());
        } catch (CircuitBreakerOpenException e) {
            // The retries ran out behind the open breaker: the EHR stayed away
            return park(message, decision, "ehr-unavailable", "the EHR stayed unavailable (circuit breaker open)");
        } catch (PatientByIdentifier.NotResolved e) {
            // Never "the first match": the decision waits on the DLQ until the EHR's patient records are put right
            return park(message, decision, e.reason(), e.getMessage());
        } catch (RuntimeException e) {
            return park(message, decision, "unprocessable", e.getClass().getSimpleName());
        }
        return message.ack();
    }

    /**
     * Parks the record on triage.decision.dlq: nacked, not thrown, since SmallRye would log a thrown failure whole. The
     * log and the metrics carry the decision id and the reason's kind; the DLQ header and the AuditEvent also its detail,
     * in ids and status codes, never an identifier or a value.
     */
    private CompletionStage<Void> park(Message<TriageDecision> message, TriageDecision decision, String reason, String detail) {
        counters.rejected(reason);
        LOG.warnf("decision %s parked: %s", decision == null ? "(unreadable)" : decision.decisionId(), reason);
        if (decision != null) {
            audit.parked(decision, reason + ": " + detail);
        }
        counters.deadLettered(Topics.TRIAGE_DECISION_DLQ);
        return message.nack(new Parked(reason + ": " + detail));
    }

    /** The dead-letter reason. */
    static final class Parked extends RuntimeException {
        Parked(String reason) {
            super(reason, null, false, false);
        }
    }
}
