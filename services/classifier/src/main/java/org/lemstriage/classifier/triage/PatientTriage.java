package org.lemstriage.classifier.triage;

import org.lemstriage.model.event.ClinicalContext;
import org.lemstriage.model.event.DeltaPItem;
import org.lemstriage.model.event.LabResult;
import org.lemstriage.model.event.TriageDecision.Closure;
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
 * the EHR's clinical context and any outstanding request for it, the episode, and the decisions so far.
 *
 * @param context         the last clinical context received (AVAILABLE or UNAVAILABLE), or null if never read
 * @param contextWait     an outstanding or scheduled context request, or null
 * @param episode         the open or closed episode (a closed one stays, so a resent result opens nothing); null
 *                        when none was opened or the last was retracted
 * @param episodesOpened  how many episodes this patient ever had: numbers the next episode's id
 * @param contextRequests how many context requests were made: numbers the next request's id
 * @param nextReview      when the open surveillance is next looked at (the EHR read again), or null (ruleset 2.0)
 */
public record PatientTriage(String patientKey, Map<String, LabResult> results, ClinicalContext context,
                            ContextWait contextWait, Episode episode, int episodesOpened, int contextRequests,
                            List<DecisionSummary> history, Instant nextReview) {

    public static PatientTriage empty(String patientKey) {
        return new PatientTriage(patientKey, Map.of(), null, null, null, 0, 0, List.of(), null);
    }

    /** When the processor's timer must look at this patient again: a context wait or the next review. */
    public Instant due() {
        Instant wait = contextWait == null ? null : contextWait.due();
        if (wait == null || (nextReview != null && nextReview.isBefore(wait))) {
            return nextReview;
        }
        return wait;
    }

    /** Whether a surveillance is running: an open screening episode. */
    public boolean inSurveillance() {
        return episode != null && episode.closure() == null && episode.episodeKind() == EpisodeKind.SCREENING;
    }

    PatientTriage withResults(Map<String, LabResult> newResults) {
        return new PatientTriage(patientKey, newResults, context, contextWait, episode, episodesOpened, contextRequests, history, nextReview);
    }

    PatientTriage withContext(ClinicalContext newContext, ContextWait newWait) {
        return new PatientTriage(patientKey, results, newContext, newWait, episode, episodesOpened, contextRequests, history, nextReview);
    }

    PatientTriage withRequest(ContextWait newWait, int requests) {
        return new PatientTriage(patientKey, results, context, newWait, episode, episodesOpened, requests, history, nextReview);
    }

    PatientTriage withNextReview(Instant next) {
        return new PatientTriage(patientKey, results, context, contextWait, episode, episodesOpened, contextRequests, history, next);
    }

    PatientTriage withEpisode(Episode newEpisode, int opened, List<DecisionSummary> newHistory) {
        return new PatientTriage(patientKey, results, context, contextWait, newEpisode, opened, contextRequests, newHistory, nextReview);
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
     * What the EHR was last told about the episode: any difference makes an UPDATE.
     *
     * @param kind         SCREENING or CLINICIAN_REVIEW, fixed when the episode opens (null in state from before 2.0)
     * @param start        the date the plan counts from, fixed when the episode opens: a result backfilled later with
     *                     an earlier date must not move the rounds into the past (null in state from before 2.0)
     * @param closure      why the episode ended, or null while it runs
     * @param malignancies the confirmed, active malignancies the EHR held when the surveillance began (known from
     *                     the first context read after opening; null until then): only a new one ends it
     */
    public record Episode(String episodeId, int version, Tier tier, List<ScreeningRound> plan, List<String> rulesFired,
                          List<Evidence> evidence, List<DeltaPItem> deltaP, ContextStatus context, EpisodeKind kind,
                          LocalDate start, Closure closure, List<String> malignancies) {
        public EpisodeKind episodeKind() {
            return kind == null ? EpisodeKind.SCREENING : kind;
        }

        Episode withMalignancies(List<String> atStart) {
            return new Episode(episodeId, version, tier, plan, rulesFired, evidence, deltaP, context, kind, start, closure, atStart);
        }
    }

    /** One decision (or a NO_SCREENING finding, which is not sent to the EHR), for the triage view. */
    public record DecisionSummary(String decisionId, String action, Tier tier, Instant decidedAt, String explanation) {
    }
}
