package org.lemstriage.classifier.rules;

import org.lemstriage.model.terminology.Analyte;

import java.util.List;

/**
 * Seronegative LEMS: about 15 % of LEMS patients have no P/Q-type antibody (seed texts), and their
 * tumour risk is screened alike. A recorded, confirmed LEMS diagnosis (ICD-10-CM G70.80, G70.81, G73.1; SNOMED CT
 * 56989000; the ConceptMap in triage-model) opens the same surveillance as a P/Q-type positive result, tiered by the
 * same DELTA-P score ({@link VgccPqDeltaPRule}). When the P/Q-type antibody is positive too, that rule decides and
 * this one stays silent: one reason, not two. Unknown items are tiered as {@link VgccPqDeltaPRule} tiers them.
 */
public final class LemsDiagnosisRule implements TriageRule {
    public static final String HIGH = "LEMS-DIAGNOSIS-DELTA-P-HIGH@1";
    public static final String INCOMPLETE = "LEMS-DIAGNOSIS-DELTA-P-INCOMPLETE@1";
    public static final String INTERMEDIATE = "LEMS-DIAGNOSIS-DELTA-P-INTERMEDIATE@2";
    public static final String LOW = "LEMS-DIAGNOSIS-DELTA-P-LOW@1";

    @Override
    public String id() {
        return "LEMS-DIAGNOSIS-DELTA-P@1";
    }

    @Override
    public List<Finding> apply(PatientEvidence evidence) {
        List<PatientEvidence.ReadResult> diagnoses = evidence.positive(Analyte.LEMS_DIAGNOSIS);
        if (diagnoses.isEmpty() || !evidence.positive(Analyte.VGCC_PQ).isEmpty()) {
            return List.of();
        }
        return List.of(VgccPqDeltaPRule.tier(evidence, diagnoses,
                "Lambert-Eaton myasthenic syndrome diagnosed without a positive P/Q-type antibody (seronegative LEMS)",
                new VgccPqDeltaPRule.Ids(HIGH, INCOMPLETE, INTERMEDIATE, LOW)));
    }
}
