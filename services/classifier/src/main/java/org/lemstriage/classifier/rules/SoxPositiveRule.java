package org.lemstriage.classifier.rules;

import org.lemstriage.model.event.TriageDecision.Tier;
import org.lemstriage.model.terminology.Analyte;

import java.util.ArrayList;
import java.util.List;

/**
 * A decisive positive SOX1 or AGNA-1 (anti-glial nuclear antibody type 1, which is SOX1) result: HIGH.
 * SOX antibodies are about 65 % sensitive and 95 % specific for small-cell lung cancer in LEMS (Titulaer et al.,
 * J Clin Oncol 2009), and they point at the tumour whatever the DELTA-P score.
 */
public final class SoxPositiveRule implements TriageRule {
    public static final String ID = "SOX1-POSITIVE@1";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public List<Finding> apply(PatientEvidence evidence) {
        List<PatientEvidence.ReadResult> positives = new ArrayList<>(evidence.positive(Analyte.SOX1));
        positives.addAll(evidence.positive(Analyte.AGNA1));
        if (positives.isEmpty()) {
            return List.of();
        }
        return List.of(Finding.tier(ID, Tier.HIGH, positives,
                "SOX1/AGNA-1 antibody positive: about 95 % specific for small-cell lung cancer in LEMS, so HIGH"));
    }
}
