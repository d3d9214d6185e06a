package org.lemstriage.classifier.rules;

import org.lemstriage.model.event.ClinicianRequest;
import org.lemstriage.model.event.TriageDecision.Closure;
import org.lemstriage.model.event.TriageDecision.Hold;
import org.lemstriage.model.event.TriageDecision.Tier;

import java.util.List;
import java.util.Optional;

/** One clinical rule of a ruleset: readable id with its version, the tier it supports, and why, in words. */
public interface TriageRule {

    /** Stable id with the rule's version, e.g. {@code SOX1-POSITIVE@1}. */
    String id();

    /** What the rule finds; a rule may find several things (one per tumour, one per equivocal result). */
    List<Finding> apply(PatientEvidence evidence);

    /**
     * What a rule found: the tier it supports (NONE for supporting evidence that sets no tier), whether it rules
     * screening out, the results it rests on, a sentence for the clinician, and what it asks a clinician, whether the
     * plan must wait, and whether a clinician's answer ends the episode.
     */
    record Finding(String ruleId, Tier tier, boolean excludesScreening, List<PatientEvidence.ReadResult> basis,
                   String reason, List<ClinicianRequest> requests, Hold hold, Ending ending) {
        Finding(String ruleId, Tier tier, boolean excludesScreening, List<PatientEvidence.ReadResult> basis, String reason) {
            this(ruleId, tier, excludesScreening, basis, reason, List.of(), null, null);
        }

        static Finding tier(String ruleId, Tier tier, List<PatientEvidence.ReadResult> basis, String reason) {
            return new Finding(ruleId, tier, false, basis, reason);
        }

        /** A finding that asks a clinician, and may hold the plan meanwhile. */
        static Finding asks(String ruleId, List<PatientEvidence.ReadResult> basis, String reason, ClinicianRequest request, Hold hold) {
            return new Finding(ruleId, Tier.NONE, false, basis, reason, List.of(request), hold, null);
        }

        /** A clinician's answer that ends the episode. */
        static Finding ends(String ruleId, String reason, Closure.Reason why, String reference) {
            return new Finding(ruleId, Tier.NONE, false, List.of(), reason, List.of(), null, new Ending(ruleId, why, reference));
        }

        Finding withRequest(ClinicianRequest request) {
            return new Finding(ruleId, tier, excludesScreening, basis, reason, List.of(request), hold, ending);
        }
    }

    /** Which rule's question a clinician answered so that the episode ends, why, and on what. */
    record Ending(String ruleId, Closure.Reason reason, String reference) {
    }

    /** For a rule that finds at most one thing. */
    static List<Finding> one(Optional<Finding> finding) {
        return finding.stream().toList();
    }
}
