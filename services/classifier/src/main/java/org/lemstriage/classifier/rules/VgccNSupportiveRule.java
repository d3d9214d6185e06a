package org.lemstriage.classifier.rules;

import org.lemstriage.model.event.TriageDecision.Tier;
import org.lemstriage.model.terminology.Analyte;

import java.util.List;
import java.util.Optional;

/** A positive N-type VGCC result is supportive evidence only (DESIGN.md): shown, it sets no tier. */
public final class VgccNSupportiveRule implements TriageRule {
    public static final String ID = "VGCC-N-SUPPORTIVE@1";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Optional<Finding> apply(PatientEvidence evidence) {
        List<PatientEvidence.ReadResult> positives = evidence.positive(Analyte.VGCC_N);
        return positives.isEmpty() ? Optional.empty() : Optional.of(Finding.tier(ID, Tier.NONE, positives,
                "N-type VGCC antibody positive: supportive evidence only, it sets no tier"));
    }
}
