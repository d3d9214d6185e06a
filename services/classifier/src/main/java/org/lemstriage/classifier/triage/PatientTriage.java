package org.lemstriage.classifier.triage;

import org.lemstriage.model.event.LabResult;
import org.lemstriage.model.event.TriageDecision.Action;
import org.lemstriage.model.event.TriageDecision.Evidence;
import org.lemstriage.model.event.TriageDecision.ScreeningRound;
import org.lemstriage.model.event.TriageDecision.Tier;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One patient's state in the classifier's store: the current version of each antibody result (by Observation id),
 * the open screening episode if any, and the decisions made so far.
 *
 * @param episodesOpened how many episodes this patient ever had: numbers the next episode's id
 */
public record PatientTriage(String patientKey, Map<String, LabResult> results, Episode episode, int episodesOpened,
                            List<DecisionSummary> history) {

    public static PatientTriage empty(String patientKey) {
        return new PatientTriage(patientKey, Map.of(), null, 0, List.of());
    }

    /** What the EHR was last told about the open episode: any difference makes an UPDATE. */
    public record Episode(String episodeId, int version, Tier tier, List<ScreeningRound> plan, List<String> rulesFired,
                          List<Evidence> evidence) {
    }

    public record DecisionSummary(String decisionId, Action action, Tier tier, Instant decidedAt) {
    }
}
