package org.lemstriage.notifier.ehr;

import io.smallrye.faulttolerance.api.BeforeRetryHandler;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.faulttolerance.ExecutionContext;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.jboss.logging.Logger;
import org.lemstriage.ehrclient.EhrFailure;
import org.lemstriage.model.event.TriageDecision;

/**
 * One WARN line before each retry of an EHR write, with the decision id and the reason in ids and status codes (never
 * the EHR's own words): an outage or a server that keeps answering stale shows in the notifier's log.
 */
@ApplicationScoped
public class EhrWriteRetries implements BeforeRetryHandler {
    private static final Logger LOG = Logger.getLogger(EhrWriteRetries.class);

    @Override
    public void handle(ExecutionContext context) {
        Object decision = context.getParameters().length > 0 ? context.getParameters()[0] : null;
        String id = decision instanceof TriageDecision d ? d.decisionId() : "?";
        Throwable failure = context.getFailure();
        String reason = failure instanceof EhrFailure e ? e.summary()
                : failure instanceof CircuitBreakerOpenException ? "EHR circuit breaker open (too many recent failures)"
                : failure == null ? "unknown" : failure.getClass().getSimpleName();
        LOG.warnf("decision %s: EHR write not done, retrying: %s", id, reason);
    }
}
