package org.lemstriage.classifier.rules;

import org.lemstriage.model.event.ClinicalContext;
import org.lemstriage.model.event.ClinicalContext.CodedFact;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Whether a tumour the EHR records explains LEMS. The tumour must fit the syndrome and its antibody
 * (Graus et al., Neurol Neuroimmunol Neuroinflamm 2021, PNS-Care: small-cell lung cancer for LEMS). Only a
 * confirmed, active Condition counts: provisional, differential and unconfirmed ones are what screening works up.
 * <ul>
 * <li>explaining: code list {@code lemsTumour} (small-cell lung cancer);</li>
 * <li>to ask about: any other malignancy (code list {@code malignancy}) but those in {@code notEndingSurveillance}
 *     (keratinocyte skin cancers), and LEMS recorded as "in neoplastic disease" without its neoplasm
 *     ({@code neoplasticLems}, ICD-10-CM G73.1).</li>
 * </ul>
 */
public final class TumourFit {
    private static final Set<String> ACTIVE = Set.of("active", "recurrence", "relapse");

    private final ClinicalCodes codes;

    public TumourFit(ClinicalCodes codes) {
        this.codes = codes;
    }

    /** The confirmed, active tumours the EHR records, as they fit LEMS; none without a context. */
    public Tumours read(ClinicalContext context) {
        if (context == null || context.status() != ClinicalContext.Status.AVAILABLE) {
            return Tumours.NONE;
        }
        List<CodedFact> confirmed = context.conditions().stream().filter(TumourFit::confirmedActive).toList();
        List<CodedFact> explaining = confirmed.stream().filter(c -> codes.lemsTumour().matches(c.codes())).toList();
        List<CodedFact> others = confirmed.stream().filter(c -> !explaining.contains(c))
                .filter(c -> (codes.malignancy().matches(c.codes()) && !codes.notEndingSurveillance().matches(c.codes()))
                        || codes.neoplasticLems().matches(c.codes()))
                .toList();
        return new Tumours(explaining, others);
    }

    /** Whether the EHR now marks this Condition refuted or entered in error (a tumour record withdrawn). */
    public static Optional<CodedFact> withdrawn(ClinicalContext context, String reference) {
        if (context == null || context.status() != ClinicalContext.Status.AVAILABLE || reference == null) {
            return Optional.empty();
        }
        return context.conditions().stream().filter(c -> reference.equals(c.reference()))
                .filter(CodedFact::withdrawn).findFirst();
    }

    /** Whether a Condition is G73.1-like: LEMS recorded as paraneoplastic, the neoplasm not named. */
    public boolean neoplasticLems(CodedFact condition) {
        return codes.neoplasticLems().matches(condition.codes());
    }

    static boolean confirmedActive(CodedFact c) {
        return (c.clinicalStatus() == null || ACTIVE.contains(c.clinicalStatus())) && "confirmed".equals(c.verificationStatus());
    }

    /**
     * @param explaining small-cell lung cancers (code list {@code lemsTumour}): they explain LEMS
     * @param others     other malignancies and G73.1: a clinician says whether they explain it
     */
    public record Tumours(List<CodedFact> explaining, List<CodedFact> others) {
        public static final Tumours NONE = new Tumours(List.of(), List.of());
    }
}
