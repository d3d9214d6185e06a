package org.lemstriage.classifier.rules;

import org.lemstriage.model.event.TriageDecision.ContextStatus;
import org.lemstriage.model.event.TriageDecision.Tier;
import org.lemstriage.model.terminology.Analyte;

import java.util.List;
import java.util.Optional;

/**
 * A decisive positive P/Q-type VGCC result, tiered by the DELTA-P score counted from known (PRESENT) items only
 * (DESIGN.md, "Tiers"): 3 or more HIGH; 2 INTERMEDIATE; 0-1 LOW only when all six items are known, otherwise
 * INTERMEDIATE, because unknown items could raise the score and a missing record must never lower the tier.
 */
public final class VgccPqDeltaPRule implements TriageRule {
    public static final String HIGH = "VGCC-PQ-DELTA-P-HIGH@1";
    public static final String INTERMEDIATE = "VGCC-PQ-DELTA-P-INTERMEDIATE@1";
    public static final String LOW = "VGCC-PQ-DELTA-P-LOW@1";
    /** DELTA-P score at and above which SCLC is likely: 3 (DESIGN.md tiers; Titulaer 2011, Maddison 2020). */
    static final int HIGH_SCORE = 3;
    static final int INTERMEDIATE_SCORE = 2;

    @Override
    public String id() {
        return "VGCC-PQ-DELTA-P@1";
    }

    @Override
    public Optional<Finding> apply(PatientEvidence evidence) {
        List<PatientEvidence.ReadResult> positives = evidence.positive(Analyte.VGCC_PQ);
        if (positives.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(tier(evidence, positives, "P/Q-type VGCC antibody positive", HIGH, INTERMEDIATE, LOW));
    }

    /**
     * The DELTA-P tiering, for whatever says LEMS ({@code what}): the P/Q-type antibody, or (ruleset 2.0) a recorded
     * diagnosis of seronegative LEMS, whose patients are screened alike.
     */
    static Finding tier(PatientEvidence evidence, List<PatientEvidence.ReadResult> positives, String what,
                        String high, String intermediate, String low) {
        int score = evidence.deltaPScore();
        int unknown = evidence.deltaPUnknown();
        String delta = what + "; DELTA-P " + score + " of 6 from known items"
                + (unknown > 0 ? " (" + unknown + " unknown)" : " (all known)")
                + "; reported SCLC probability for " + score + ": " + SclcProbability.forScore(score);
        if (score >= HIGH_SCORE) {
            return Finding.tier(high, Tier.HIGH, positives, delta + ", so HIGH");
        }
        if (score == INTERMEDIATE_SCORE) {
            return Finding.tier(intermediate, Tier.INTERMEDIATE, positives, delta + ", so INTERMEDIATE");
        }
        if (unknown == 0) {
            return Finding.tier(low, Tier.LOW, positives, delta + ", so LOW");
        }
        String why = evidence.context() == ContextStatus.UNAVAILABLE
                ? ", and the EHR's clinical context could not be read, so INTERMEDIATE (never LOW without it)"
                : ", and the unknown items could raise it, so INTERMEDIATE";
        return Finding.tier(intermediate, Tier.INTERMEDIATE, positives, delta + why);
    }
}
