package org.lemstriage.classifier.rules;

import org.lemstriage.model.event.TriageDecision.Tier;
import org.lemstriage.model.terminology.Analyte;

import java.util.List;
import java.util.Optional;

/**
 * A decisive positive P/Q-type VGCC antibody result. Without the DELTA-P clinical context every item is UNKNOWN,
 * and unknown items that could reach a score of 3 give INTERMEDIATE (DELTA-P, Titulaer et al., J Clin Oncol 2011;
 * tiers as DESIGN.md defines them): a missing record never lowers a patient's tier. The DELTA-P rules that can
 * raise it to HIGH or lower it to LOW read the EHR and belong to the full ruleset.
 */
public final class VgccPqPositiveRule implements TriageRule {
    public static final String ID = "VGCC-PQ-POSITIVE@1";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Optional<Finding> apply(PatientEvidence evidence) {
        List<PatientEvidence.ReadResult> positives = evidence.results().stream()
                .filter(r -> r.result().analyte() == Analyte.VGCC_PQ && r.positive()).toList();
        if (positives.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Finding(ID, Tier.INTERMEDIATE, positives,
                "P/Q-type VGCC antibody positive; DELTA-P clinical context not evaluated, so all six items are "
                        + "UNKNOWN and the score could reach 3: INTERMEDIATE"));
    }
}
