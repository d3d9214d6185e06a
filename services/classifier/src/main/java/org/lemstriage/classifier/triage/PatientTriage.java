package org.lemstriage.classifier.triage;

import org.lemstriage.model.event.ClinicalContext;
import org.lemstriage.model.event.DeltaPItem;
import org.lemstriage.model.event.LabResult;
import org.lemstriage.model.event.TriageDecision.ContextStatus;
import org.lemstriage.model.event.TriageDecision.EpisodeKind;
import org.lemstriage.model.event.TriageDecision.Evidence;
import org.lemstriage.model.event.TriageDecision.ScreeningRound;
import org.lemstriage.model.event.TriageDecision.Tier;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * One patient's state in the classifier's store: the current version of each antibody result (by Observation id),
 * the EHR's clinical context and any outstanding request for it, the open screening episode, and the decisions so far.
 *
 * @param context         the last clinical context received (AVAILABLE or UNAVAILABLE), or null if never read
 * @param contextWait     an outstanding or scheduled context request, or null
 * @param episodesOpened  how many episodes this patient ever had: numbers the next episode's id
 * @param contextRequests how many context requests were made: numbers the next request's id
 */
public record PatientTriage(String patientKey, Map<String, LabResult> results, ClinicalContext context,
                            ContextWait contextWait, Episode episode, int episodesOpened, int contextRequests,
                            List<DecisionSummary> history) {

    public static PatientTriage empty(String patientKey) {
        return new PatientTriage(patientKey, Map.of(), null, null, null, 0, 0, List.of());
    }

    /**
     * A context request in flight or due. While {@code holdUntil} is set, decisions wait for the answer; after it
     * they are made without the context, and the request is repeated at {@code retryAt}.
     */
    public record ContextWait(String requestId, Instant holdUntil, Instant retryAt, int attempts) {
        /** When the processor's timer must look at this patient again. */
        public Instant due() {
            return holdUntil != null ? holdUntil : retryAt;
        }
    }

    /**
     * What the EHR was last told about the open episode: any difference makes an UPDATE.
     *
     * @param kind  SCREENING or CLINICIAN_REVIEW, fixed when the episode opens (null in state from before ruleset 2.0)
     * @param start the date the plan counts from, fixed when the episode opens: a result backfilled later with an
     *              earlier date must not move the rounds into the past (null in state from before ruleset 2.0)
     */
    public record Episode(String episodeId, int version, Tier tier, List<ScreeningRound> plan, List<String> rulesFired,
                          List<Evidence> evidence, List<DeltaPItem> deltaP, ContextStatus context, EpisodeKind kind,
                          LocalDate start) {
        public EpisodeKind episodeKind() {
            return kind == null ? EpisodeKind.SCREENING : kind;
        }
    }

    /** One decision (or a NO_SCREENING finding, which is not sent to the EHR), for the triage view. */
    public record DecisionSummary(String decisionId, String action, Tier tier, Instant decidedAt, String explanation) {
    }
}
