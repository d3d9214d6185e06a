package org.lemstriage.classifier.rules;

import org.lemstriage.model.event.TriageDecision.Tier;

import java.util.List;

/**
 * A known small-cell lung cancer in the EHR: no screening Task, since the tumour LEMS points at is already found
 * (docs/clinical-ruleset-3.md). The decision records why. Only a confirmed, active diagnosis counts (a provisional,
 * differential or unconfirmed one is what screening works up), and only a tumour that explains LEMS
 * ({@link TumourFit}, code list {@code lemsTumour}: small-cell lung cancer; Graus 2021). A known non-small-cell or
 * histologically unspecified lung cancer (ICD-10-CM C34), any other malignancy and ICD-10-CM G73.1 go to a clinician
 * instead ({@link TumourFitReviewRule}), and the screening goes ahead meanwhile.
 */
public final class KnownLungCancerRule implements TriageRule {
    public static final String ID = "KNOWN-LUNG-CANCER@3";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public List<Finding> apply(PatientEvidence evidence) {
        return evidence.knownLemsTumour().map(condition -> new Finding(ID, Tier.NONE, true, List.of(),
                "a known active small-cell lung cancer is recorded in the EHR (" + condition.reference()
                        + "), so no screening Task: the oncology team already follows this patient")).stream().toList();
    }
}
