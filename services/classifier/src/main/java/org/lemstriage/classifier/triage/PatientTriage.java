package org.lemstriage.classifier.triage;

import org.lemstriage.model.event.ClinicalContext;
import org.lemstriage.model.event.ClinicianRequest;
import org.lemstriage.model.event.DeltaPItem;
import org.lemstriage.model.event.LabResult;
import org.lemstriage.model.event.TriageDecision.Closure;
import org.lemstriage.model.event.TriageDecision.ContextStatus;
import org.lemstriage.model.event.TriageDecision.EpisodeKind;
import org.lemstriage.model.event.TriageDecision.Evidence;
import org.lemstriage.model.event.TriageDecision.Hold;
import org.lemstriage.model.event.TriageDecision.ScreeningRound;
import org.lemstriage.model.event.TriageDecision.Tier;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
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
 * @param nextReview      when the open surveillance is next looked at (the EHR read again), or null
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

    /** Whether a surveillance is running: an open screening episode (rounds, or questions waiting for an answer). */
    public boolean inSurveillance() {
        return episode != null && episode.closure() == null && episode.kind() == EpisodeKind.SCREENING;
    }

    /**
     * Whether the EHR is still read for this patient's episode: a running surveillance, or one a tumour ended, until
     * its two years are over: the tumour record may yet be withdrawn.
     */
    public boolean followed(LocalDate today) {
        return inSurveillance() || (episode != null && episode.closure() != null
                && episode.closure().reason() == Closure.Reason.TUMOUR_RECORDED
                && !today.isAfter(episode.start().plusMonths(FOLLOWED_MONTHS)));
    }

    /** A surveillance ended by a tumour is read again for its two years and one round window. */
    static final int FOLLOWED_MONTHS = 25;

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
     * @param kind         SCREENING or CLINICIAN_REVIEW, fixed when the episode opens (SCREENING when not given)
     * @param start        the date the plan counts from, fixed when the episode opens: a result backfilled later with
     *                     an earlier date must not move the rounds into the past
     * @param closure      why the episode ended, or null while it runs
     * @param malignancies the tumours that explain LEMS the EHR held when the surveillance began (known from the first
     *                     context read after opening; null until then): only a new one ends it
     * @param requests     what clinicians were last asked
     * @param hold         why the plan waits for a clinician, or null
     * @param standing     requests that stay with the episode whatever the rules say later (a result after the
     *                     closing, a surveillance reopened)
     * @param skipped      rounds left out of the plan: their date passed while the episode was closed, and a later one
     *                     is released in their place when it reopens
     */
    public record Episode(String episodeId, int version, Tier tier, List<ScreeningRound> plan, List<String> rulesFired,
                          List<Evidence> evidence, List<DeltaPItem> deltaP, ContextStatus context, EpisodeKind kind,
                          LocalDate start, Closure closure, List<String> malignancies, List<ClinicianRequest> requests,
                          Hold hold, List<ClinicianRequest> standing, List<Integer> skipped) {
        /** Lists never null; a kind always. */
        public Episode {
            kind = kind == null ? EpisodeKind.SCREENING : kind;
            requests = requests == null ? List.of() : requests;
            standing = standing == null ? List.of() : standing;
            skipped = skipped == null ? List.of() : skipped;
        }

        Episode withMalignancies(List<String> atStart) {
            return new Episode(episodeId, version, tier, plan, rulesFired, evidence, deltaP, context, kind, start, closure,
                    atStart, requests, hold, standing, skipped);
        }

        /**
         * The episode reopened: not closed, a request that says so standing, and the rounds whose date passed while
         * it was closed skipped but the latest.
         */
        Episode reopened(ClinicianRequest request, List<Integer> missed) {
            List<Integer> skip = new ArrayList<>(skipped);
            skip.addAll(missed);
            Episode open = withStanding(request, null);
            return new Episode(episodeId, version, tier, plan, rulesFired, evidence, deltaP, context, kind, start, null,
                    malignancies, open.requests(), hold, open.standing(), List.copyOf(skip));
        }

        /** The episode with a request that stays with it; closed or not as given. */
        Episode withStanding(ClinicianRequest request, Closure newClosure) {
            List<ClinicianRequest> all = new ArrayList<>(standing);
            all.add(request);
            List<ClinicianRequest> asked = new ArrayList<>(requests);
            asked.add(request);
            return new Episode(episodeId, version, tier, plan, rulesFired, evidence, deltaP, context, kind, start,
                    newClosure, malignancies, List.copyOf(asked), hold, List.copyOf(all), skipped);
        }
    }

    /** One decision (or a NO_SCREENING finding, which is not sent to the EHR), for the triage view. */
    public record DecisionSummary(String decisionId, String action, Tier tier, Instant decidedAt, String explanation) {
    }
}
