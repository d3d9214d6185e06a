package org.lemstriage.classifier.rules;

import org.lemstriage.model.event.ClinicianRequest;
import org.lemstriage.model.event.DeltaPItem;
import org.lemstriage.model.event.TriageDecision.ContextStatus;
import org.lemstriage.model.event.TriageDecision.Tier;
import org.lemstriage.model.terminology.Analyte;

import java.util.List;
import java.util.Locale;

/**
 * A decisive positive P/Q-type VGCC result, tiered by the DELTA-P score counted from known (PRESENT) items only
 * (docs/clinical-ruleset-3.md, "Tiers and DELTA-P"): 3 or more HIGH; 2 INTERMEDIATE; 0-1 LOW only when all six items
 * are known.
 * <p>Unknown never lowers the tier. Where the unknown items could make the score 3 or more,
 * {@code -INCOMPLETE@1} plans the HIGH schedule (the month-3 round) and asks a clinician to record the missing items,
 * listing them; when they arrive, the tier follows the complete data. Where they could make it 2 at most,
 * {@code -INTERMEDIATE@2}.
 */
public final class VgccPqDeltaPRule implements TriageRule {
    public static final String HIGH = "VGCC-PQ-DELTA-P-HIGH@1";
    public static final String INCOMPLETE = "VGCC-PQ-DELTA-P-INCOMPLETE@1";
    public static final String INTERMEDIATE = "VGCC-PQ-DELTA-P-INTERMEDIATE@2";
    public static final String LOW = "VGCC-PQ-DELTA-P-LOW@1";
    /** DELTA-P score from which SCLC is likely: 3 (docs/clinical-ruleset-3.md; Titulaer 2011, Maddison 2020). */
    static final int HIGH_SCORE = 3;
    static final int INTERMEDIATE_SCORE = 2;
    static final String MISSING_ITEMS = "record-delta-p-items";

    @Override
    public String id() {
        return "VGCC-PQ-DELTA-P@1";
    }

    @Override
    public List<Finding> apply(PatientEvidence evidence) {
        List<PatientEvidence.ReadResult> positives = evidence.positive(Analyte.VGCC_PQ);
        if (positives.isEmpty()) {
            return List.of();
        }
        return List.of(tier(evidence, positives, "P/Q-type VGCC antibody positive", new Ids(HIGH, INCOMPLETE, INTERMEDIATE, LOW)));
    }

    /** The rule ids of one DELTA-P tiering. */
    record Ids(String high, String incomplete, String intermediate, String low) {
    }

    /**
     * The DELTA-P tiering, for whatever says LEMS ({@code what}): the P/Q-type antibody, or a recorded
     * diagnosis of seronegative LEMS, whose patients are screened alike.
     */
    static Finding tier(PatientEvidence evidence, List<PatientEvidence.ReadResult> positives, String what, Ids ids) {
        int score = evidence.deltaPScore();
        int unknown = evidence.deltaPUnknown();
        String delta = what + "; DELTA-P " + score + " of 6 from known items"
                + (unknown > 0 ? " (" + unknown + " unknown)" : " (all known)")
                + "; SCLC found at a score of " + score + ": " + SclcProbability.forScore(score);
        if (score >= HIGH_SCORE) {
            return Finding.tier(ids.high(), Tier.HIGH, positives, delta + ", so HIGH");
        }
        if (score + unknown >= HIGH_SCORE) {
            if (evidence.context() == ContextStatus.UNAVAILABLE) {
                return Finding.tier(ids.incomplete(), Tier.HIGH, positives, delta + ", and the EHR's clinical context could "
                        + "not be read: unknown items could make it HIGH, so the HIGH schedule until it can be read");
            }
            List<String> missing = evidence.deltaP().stream().filter(i -> i.value() == DeltaPItem.Presence.UNKNOWN)
                    .map(i -> i.item().name().toLowerCase(Locale.ROOT).replace('_', ' ')).toList();
            String list = String.join(", ", missing);
            ClinicianRequest request = new ClinicianRequest(MISSING_ITEMS, ClinicianRequest.Kind.MISSING_DELTA_P, null,
                    "Please record the DELTA-P items the EHR lacks, as they were at or within 3 months of onset ("
                            + evidence.onset() + "): " + list + ". With them unknown the score could reach 3, so the HIGH "
                            + "schedule is planned; once recorded, the tier follows the complete data [rule " + ids.incomplete() + "].",
                    null);
            return Finding.tier(ids.incomplete(), Tier.HIGH, positives, delta + ", and the unknown items (" + list
                    + ") could make it 3 or more, so the HIGH schedule until they are recorded").withRequest(request);
        }
        if (score == INTERMEDIATE_SCORE) {
            return Finding.tier(ids.intermediate(), Tier.INTERMEDIATE, positives, delta + ", so INTERMEDIATE");
        }
        if (unknown == 0) {
            return Finding.tier(ids.low(), Tier.LOW, positives, delta + ", so LOW");
        }
        return Finding.tier(ids.intermediate(), Tier.INTERMEDIATE, positives, delta
                + ", and the unknown items could raise it to 2, so INTERMEDIATE (never LOW with items unknown)");
    }
}
