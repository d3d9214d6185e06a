package org.lemstriage.classifier.rules;

import org.lemstriage.model.event.TriageDecision.Tier;

import java.util.List;
import java.util.Optional;

/** One clinical rule of a ruleset: readable id, the tier it sets, and why, in words. */
public interface TriageRule {

    /** Stable id with the rule's version, e.g. {@code VGCC-PQ-POSITIVE@1}. */
    String id();

    Optional<Finding> apply(PatientEvidence evidence);

    /** What a rule found: the tier it supports, the results it rests on, and a sentence for the clinician. */
    record Finding(String ruleId, Tier tier, List<PatientEvidence.ReadResult> basis, String reason) {
    }
}
