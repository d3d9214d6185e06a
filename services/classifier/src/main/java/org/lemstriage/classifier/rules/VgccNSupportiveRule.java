package org.lemstriage.classifier.rules;

import org.lemstriage.model.event.TriageDecision.Tier;
import org.lemstriage.model.terminology.Analyte;

import java.util.List;

/**
 * A positive N-type VGCC result is supportive evidence only: shown, it sets no tier. The decision's explanation says
 * that N-type together with a positive P/Q-type result raises the likelihood of small-cell lung cancer: in Lennon et
 * al. (N Engl J Med 1995;332:1467-74) N-type antibodies were found in 49 % of LEMS patients, and P/Q- with N-type
 * antibodies together in 54 % of patients with a paraneoplastic neurological complication of lung, ovarian or breast
 * carcinoma. The paper gives no figure for LEMS alone that would justify a tier, so it stays supportive.
 */
public final class VgccNSupportiveRule implements TriageRule {
    public static final String ID = "VGCC-N-SUPPORTIVE@2";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public List<Finding> apply(PatientEvidence evidence) {
        List<PatientEvidence.ReadResult> positives = evidence.positive(Analyte.VGCC_N);
        if (positives.isEmpty()) {
            return List.of();
        }
        String reason = evidence.positive(Analyte.VGCC_PQ).isEmpty()
                ? "N-type VGCC antibody positive: supportive evidence only, it sets no tier"
                : "N-type VGCC antibody positive together with the P/Q-type antibody: this raises the likelihood of "
                + "small-cell lung cancer (both antibodies together are frequent in cancer-associated neurological "
                + "disease, Lennon et al., N Engl J Med 1995); supportive evidence, it sets no tier";
        return List.of(Finding.tier(ID, Tier.NONE, positives, reason));
    }
}
