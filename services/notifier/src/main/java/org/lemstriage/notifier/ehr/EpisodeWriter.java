package org.lemstriage.notifier.ehr;

import io.smallrye.faulttolerance.api.BeforeRetry;
import io.smallrye.faulttolerance.api.ExponentialBackoff;
import jakarta.enterprise.context.ApplicationScoped;
import io.smallrye.faulttolerance.api.CircuitBreakerName;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.hl7.fhir.r4.model.Bundle;
import org.jboss.logging.Logger;
import org.lemstriage.ehrclient.EhrClient;
import org.lemstriage.ehrclient.EhrFailure;
import org.lemstriage.model.event.TriageDecision;
import org.lemstriage.notifier.episode.HeldEpisode;

import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * Writes a decision to the EHR and makes sure it holds: reads the episode fresh and the people to tell of what the write
 * changes, in one batch ({@link EpisodeReader}), sends the one transaction that brings it to what the decision says and
 * tells them ({@link EpisodeTransaction}), whose own GET entries, answered after its writes, read the episode again for
 * the comparison. A first decision costs the EHR two round trips here (and one in the classifier, for its context).
 * A write is reported only once the EHR holds the episode as decided; anything else is a transient failure, retried
 * with exponential backoff and jitter behind a circuit breaker, and parked in the end. A permanent rejection is
 * thrown at once.
 */
@ApplicationScoped
public class EpisodeWriter {
    /** The circuit breaker's name, by which its state is read ({@code EhrCircuitBreakerHealth}). */
    public static final String BREAKER = "ehr-writes";
    private static final Logger LOG = Logger.getLogger(EpisodeWriter.class);

    private final EhrClient ehr;
    private final EpisodeReader reader;
    private final EpisodeTransaction transactions;

    public EpisodeWriter(EhrClient ehr, EpisodeReader reader, EpisodeTransaction transactions) {
        this.ehr = ehr;
        this.reader = reader;
        this.transactions = transactions;
    }

    /**
     * Retries for up to 10 minutes (1 s doubling to 30 s, with up to 0.5 s jitter), logging each retry
     * ({@link EhrWriteRetries}). The breaker opens after half of 10 calls failed, and lets one call through again
     * after 10 s.
     *
     * @return the EHR's transaction-response, or empty when the EHR already held the episode as decided
     */
    @Retry(retryOn = {EhrFailure.Transient.class, CircuitBreakerOpenException.class}, abortOn = EhrFailure.Permanent.class,
            maxRetries = 100, delay = 1, delayUnit = ChronoUnit.SECONDS, jitter = 500,
            maxDuration = 10, durationUnit = ChronoUnit.MINUTES)
    @ExponentialBackoff(maxDelay = 30, maxDelayUnit = ChronoUnit.SECONDS)
    @BeforeRetry(EhrWriteRetries.class)
    @CircuitBreakerName(BREAKER)
    @CircuitBreaker(failOn = EhrFailure.Transient.class, skipOn = EhrFailure.Permanent.class, requestVolumeThreshold = 10,
            failureRatio = 0.5, delay = 10, delayUnit = ChronoUnit.SECONDS)
    public Optional<Written> write(TriageDecision decision) {
        EpisodeReader.Read read = reader.read(decision);
        HeldEpisode current = reader.withPeople(read, transactions.events(decision, read.held()));
        Optional<EpisodeTransaction.Composed> tx = transactions.compose(decision, current);
        if (tx.isEmpty()) {
            holdsAsDecided(decision, current);
            LOG.infof("decision %s: already reflected in the EHR, nothing written", decision.decisionId());
            return Optional.empty();
        }
        Bundle sent = tx.get().transaction();
        int writes = sent.getEntry().size();
        // The episode is read again by the transaction's own GET entries, answered after its writes: the check that
        // the EHR holds it as decided costs no round trip of its own
        EpisodeReader.Again again = reader.after(decision, sent);
        Bundle response = ehr.write("transaction for " + decision.decisionId(),
                c -> c.transaction().withBundle(sent).cacheControl(EhrClient.FRESH).execute());
        notStale(decision, sent, response);
        holdsAsDecided(decision, again.answeredBy(response, current));
        Bundle written = new Bundle().setType(response.getType());
        response.getEntry().subList(0, writes).forEach(written::addEntry);
        long created = written.getEntry().stream().filter(e -> e.getResponse().getStatus().startsWith("201")).count();
        LOG.infof("decision %s %s: episode %s written, %d created, %d updated", decision.decisionId(), decision.action(),
                decision.episodeId(), created, writes - created);
        return Optional.of(new Written(written, tx.get().withheld()));
    }

    /** The EHR's transaction-response, and the messages not written and why (ids and reasons, for the AuditEvent). */
    public record Written(Bundle response, List<String> withheld) {
    }

    /**
     * A conditional create answered 200 matched something the read said was absent: the read was stale, and what the
     * transaction meant to write for it was not written. Read again and redo.
     */
    private static void notStale(TriageDecision decision, Bundle sent, Bundle response) {
        for (int i = 0; i < sent.getEntry().size() && i < response.getEntry().size(); i++) {
            // A message that already exists was sent before: it stands, and says nothing of the read
            String type = sent.getEntry().get(i).getRequest().getUrl();
            boolean conditionalCreate = sent.getEntry().get(i).getRequest().hasIfNoneExist()
                    && !"Communication".equals(type) && !"CommunicationRequest".equals(type);
            if (conditionalCreate && !response.getEntry().get(i).getResponse().getStatus().startsWith("201")) {
                throw new EhrFailure.Transient("decision " + decision.decisionId() + ": " + sent.getEntry().get(i)
                        .getRequest().getUrl() + " already existed though the episode read said it did not (a stale "
                        + "search); reading again");
            }
        }
    }

    private void holdsAsDecided(TriageDecision decision, HeldEpisode current) {
        List<String> differences = transactions.differences(decision, current);
        if (!differences.isEmpty()) {
            throw new EhrFailure.Transient("decision " + decision.decisionId() + ": the EHR does not hold episode "
                    + decision.episodeId() + " as decided: " + String.join("; ", differences));
        }
    }
}
