package org.lemstriage.notifier.ehr;

import io.smallrye.faulttolerance.api.ExponentialBackoff;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.jboss.logging.Logger;
import org.lemstriage.model.event.TriageDecision;
import org.lemstriage.ehrclient.EhrClient;
import org.lemstriage.ehrclient.EhrFailure;

import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * Writes a decision to the EHR: reads what the episode holds, then sends the one transaction that brings it to what
 * the decision says ({@link EpisodeTransaction}). Transient failures (unreachable, 5xx, 429, a concurrent change)
 * are retried with exponential backoff and jitter, behind a circuit breaker that stops hammering an EHR that is down;
 * a permanent rejection is thrown at once.
 */
@ApplicationScoped
public class EpisodeWriter {
    private static final Logger LOG = Logger.getLogger(EpisodeWriter.class);

    private final EhrClient ehr;
    private final EpisodeTransaction transactions;

    public EpisodeWriter(EhrClient ehr, EpisodeTransaction transactions) {
        this.ehr = ehr;
        this.transactions = transactions;
    }

    /**
     * Retries for up to 10 minutes (1 s doubling to 30 s, with up to 0.5 s jitter). The breaker opens after half of
     * 10 calls failed, and lets one call through again after 10 s.
     *
     * @return the EHR's transaction-response, or empty when the EHR already reflected the decision
     */
    @Retry(retryOn = {EhrFailure.Transient.class, CircuitBreakerOpenException.class}, abortOn = EhrFailure.Permanent.class,
            maxRetries = 100, delay = 1, delayUnit = ChronoUnit.SECONDS, jitter = 500,
            maxDuration = 10, durationUnit = ChronoUnit.MINUTES)
    @ExponentialBackoff(maxDelay = 30, maxDelayUnit = ChronoUnit.SECONDS)
    @CircuitBreaker(failOn = EhrFailure.Transient.class, skipOn = EhrFailure.Permanent.class, requestVolumeThreshold = 10,
            failureRatio = 0.5, delay = 10, delayUnit = ChronoUnit.SECONDS)
    public Optional<Bundle> write(TriageDecision decision) {
        EpisodeTransaction.Current current = read(decision.episodeId());
        Optional<Bundle> tx = transactions.build(decision, current);
        if (tx.isEmpty()) {
            LOG.infof("decision %s: already reflected in the EHR, nothing written", decision.decisionId());
            return Optional.empty();
        }
        Bundle response = ehr.call("transaction for " + decision.decisionId(), c -> c.transaction().withBundle(tx.get()).execute());
        long created = response.getEntry().stream().filter(e -> e.getResponse().getStatus().startsWith("201")).count();
        LOG.infof("decision %s %s: episode %s written, %d created, %d updated", decision.decisionId(), decision.action(),
                decision.episodeId(), created, response.getEntry().size() - created);
        return Optional.of(response);
    }

    private EpisodeTransaction.Current read(String episodeId) {
        Bundle requests = ehr.call("search episode " + episodeId, c -> c.search().forResource(ServiceRequest.class)
                .where(ServiceRequest.IDENTIFIER.exactly().systemAndCode(EhrIdentifiers.EPISODE, episodeId))
                .returnBundle(Bundle.class).execute());
        Bundle tasks = ehr.call("search tasks of " + episodeId, c -> c.search().forResource(Task.class)
                .where(Task.GROUP_IDENTIFIER.exactly().systemAndCode(EhrIdentifiers.EPISODE, episodeId))
                .returnBundle(Bundle.class).execute());
        ServiceRequest sr = requests.getEntry().isEmpty() ? null : (ServiceRequest) requests.getEntryFirstRep().getResource();
        List<Task> episodeTasks = tasks.getEntry().stream().map(e -> (Task) e.getResource()).toList();
        return new EpisodeTransaction.Current(sr, episodeTasks);
    }
}
