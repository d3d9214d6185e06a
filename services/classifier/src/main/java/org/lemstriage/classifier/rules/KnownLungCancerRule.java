package org.lemstriage.classifier.rules;

import org.lemstriage.model.event.TriageDecision.Tier;

import java.util.List;
import java.util.Optional;

/**
 * A known active lung cancer in the EHR: no screening Task, since the tumour is already found (DESIGN.md, tiers).
 * The decision records why. Code list: {@link DeltaPCodes#lungCancer()}. Ruleset 2.0: only a confirmed diagnosis
 * counts; a provisional, differential or unconfirmed lung cancer is what screening is there to work up, so it must
 * never suppress it (1.0 let anything not refuted suppress screening).
 */
public final class KnownLungCancerRule implements TriageRule {
    public static final String ID = "KNOWN-LUNG-CANCER@2";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Optional<Finding> apply(PatientEvidence evidence) {
        return evidence.lungCancer().map(condition -> new Finding(ID, Tier.NONE, true, List.of(),
                "a known active lung cancer is recorded in the EHR (" + condition.reference()
                        + "), so no screening Task: the oncology team already follows this patient"));
    }
}
