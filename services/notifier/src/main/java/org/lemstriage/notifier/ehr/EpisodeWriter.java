package org.lemstriage.notifier.ehr;

import io.smallrye.faulttolerance.api.ExponentialBackoff;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Task;
import org.jboss.logging.Logger;
import org.lemstriage.model.event.TriageDecision;
import org.lemstriage.model.fhir.EhrClient;
import org.lemstriage.model.fhir.EhrFailure;

import java.time.temporal.ChronoUnit;

/**
 * Writes a decision to the EHR. OPEN and UPDATE send the episode as one transaction of conditional creates, so a
 * redelivery matches what exists instead of creating it again; RETRACT cancels the episode's open Tasks.
 * Transient failures are retried with exponential backoff and jitter; a permanent one is thrown to the caller.
 */
@ApplicationScoped
public class EpisodeWriter {
    private static final Logger LOG = Logger.getLogger(EpisodeWriter.class);

    private final EhrClient ehr;
    private final ScreeningEpisodeBundle episodes;

    public EpisodeWriter(EhrClient ehr, ScreeningEpisodeBundle episodes) {
        this.ehr = ehr;
        this.episodes = episodes;
    }

    /** Retries for up to 10 minutes (1 s doubling to 30 s, ±0.5 s jitter) before the failure reaches the caller. */
    @Retry(retryOn = EhrFailure.Transient.class, abortOn = EhrFailure.Permanent.class, maxRetries = 100,
            delay = 1, delayUnit = ChronoUnit.SECONDS, jitter = 500, maxDuration = 10, durationUnit = ChronoUnit.MINUTES)
    @ExponentialBackoff(maxDelay = 30, maxDelayUnit = ChronoUnit.SECONDS)
    public void write(TriageDecision decision) {
        switch (decision.action()) {
            case OPEN, UPDATE -> writeEpisode(decision);
            case RETRACT -> cancelOpenTasks(decision);
        }
    }

    private void writeEpisode(TriageDecision decision) {
        Bundle response = ehr.call("transaction for " + decision.decisionId(),
                c -> c.transaction().withBundle(episodes.build(decision)).execute());
        long created = response.getEntry().stream().filter(e -> e.getResponse().getStatus().startsWith("201")).count();
        LOG.infof("decision %s: episode %s written, %d of %d resources created", decision.decisionId(),
                decision.episodeId(), created, response.getEntry().size());
    }

    private void cancelOpenTasks(TriageDecision decision) {
        Bundle tasks = ehr.call("search tasks of " + decision.episodeId(), c -> c.search().forResource(Task.class)
                .where(Task.GROUP_IDENTIFIER.exactly().systemAndCode(EhrIdentifiers.EPISODE, decision.episodeId()))
                .returnBundle(Bundle.class).execute());
        int cancelled = 0;
        for (var entry : tasks.getEntry()) {
            Task task = (Task) entry.getResource();
            if (task.getStatus() == Task.TaskStatus.REQUESTED || task.getStatus() == Task.TaskStatus.ONHOLD) {
                task.setStatus(Task.TaskStatus.CANCELLED);
                task.setStatusReason(new CodeableConcept().setText(
                        "Withdrawn by lems-triage: the antibody evidence that opened this screening was withdrawn ("
                                + decision.decisionId() + ")"));
                ehr.call("cancel " + task.getIdElement().getIdPart(), c -> c.update().resource(task).execute());
                cancelled++;
            }
        }
        LOG.infof("decision %s: episode %s retracted, %d tasks cancelled", decision.decisionId(), decision.episodeId(), cancelled);
    }
}
