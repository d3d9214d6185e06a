package org.lemstriage.classifier.rules;

import org.lemstriage.model.event.TriageDecision.Tier;

import java.util.List;
import java.util.Optional;

/** One clinical rule of a ruleset: readable id with its version, the tier it supports, and why, in words. */
public interface TriageRule {

    /** Stable id with the rule's version, e.g. {@code SOX1-POSITIVE@1}. */
    String id();

    Optional<Finding> apply(PatientEvidence evidence);

    /**
     * What a rule found: the tier it supports (NONE for supporting evidence that sets no tier), whether it rules
     * screening out, the results it rests on, and a sentence for the clinician.
     */
    record Finding(String ruleId, Tier tier, boolean excludesScreening, List<PatientEvidence.ReadResult> basis,
                   String reason) {
        static Finding tier(String ruleId, Tier tier, List<PatientEvidence.ReadResult> basis, String reason) {
            return new Finding(ruleId, tier, false, basis, reason);
        }
    }
}
