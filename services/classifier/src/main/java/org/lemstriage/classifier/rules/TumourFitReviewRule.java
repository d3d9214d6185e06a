package org.lemstriage.classifier.rules;

import org.lemstriage.model.event.ClinicalContext.CodedFact;
import org.lemstriage.model.event.ClinicianRequest;
import org.lemstriage.model.event.TriageDecision.Closure;
import org.lemstriage.model.event.TriageDecision.Tier;

import java.util.ArrayList;
import java.util.List;

/**
 * A confirmed, active cancer that does not by itself explain LEMS ({@link TumourFit}: any malignancy
 * but small-cell lung cancer and keratinocyte skin cancers; a non-small-cell or histologically unspecified lung
 * cancer; ICD-10-CM G73.1 without its neoplasm) neither stops nor ends the search for small-cell lung cancer. The
 * tumour must fit the syndrome and the antibody (Graus 2021, PNS-Care): for LEMS, small-cell lung cancer. A
 * clinician is asked, one Task per Condition, "does this cancer explain the LEMS?". Yes ends the surveillance as a
 * tumour recorded; no keeps it running.
 */
public final class TumourFitReviewRule implements TriageRule {
    public static final String ID = "TUMOUR-FIT-REVIEW@1";
    static final String REQUEST = "tumour-fit/";

    private final TumourFit fit;

    public TumourFitReviewRule(TumourFit fit) {
        this.fit = fit;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public List<Finding> apply(PatientEvidence evidence) {
        if (!Ruleset.needsContext(evidence)) {
            return List.of();
        }
        List<Finding> findings = new ArrayList<>();
        for (CodedFact cancer : evidence.tumours().others()) {
            String requestId = REQUEST + cancer.reference();
            String what = fit.neoplasticLems(cancer)
                    ? "LEMS is recorded as in neoplastic disease (" + cancer.reference() + ", ICD-10-CM G73.1) without a "
                    + "small-cell lung cancer on record"
                    : "a confirmed, active cancer is recorded (" + cancer.reference() + ") that does not by itself explain "
                    + "LEMS, whose tumour is small-cell lung cancer (Graus 2021)";
            var answer = evidence.answer(requestId);
            if (answer.isPresent() && answer.get()) {
                findings.add(Finding.ends(ID, "a clinician answered that " + cancer.reference() + " explains the LEMS",
                        Closure.Reason.TUMOUR_RECORDED, cancer.reference()));
            } else if (answer.isPresent()) {
                findings.add(Finding.tier(ID, Tier.NONE, List.of(), what
                        + "; a clinician answered that it does not explain the LEMS, so the surveillance continues"));
            } else {
                ClinicianRequest request = new ClinicianRequest(requestId, ClinicianRequest.Kind.TUMOUR_FIT, cancer.reference(),
                        "Does this cancer (" + cancer.reference() + ") explain the Lambert-Eaton myasthenic syndrome? "
                                + "Paraneoplastic LEMS goes with small-cell lung cancer (Graus 2021), so the surveillance for it "
                                + "continues. Complete this Task with the answer Yes (SNOMED CT 373066001) to end the surveillance, "
                                + "or No (373067005) to keep it [rule " + ID + "].", null);
                findings.add(Finding.asks(ID, List.of(), what + ": the surveillance continues and a clinician is asked whether "
                        + "it explains the LEMS", request, null));
            }
        }
        return findings;
    }
}
