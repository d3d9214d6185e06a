package org.lemstriage.classifier.rules;

import org.lemstriage.model.event.ClinicianRequest;
import org.lemstriage.model.event.LabResult;
import org.lemstriage.model.event.TriageDecision.Closure;
import org.lemstriage.model.event.TriageDecision.Hold;
import org.lemstriage.model.event.TriageDecision.Tier;
import org.lemstriage.model.terminology.Analyte;

import java.math.BigDecimal;
import java.util.List;
import java.util.Set;

/**
 * Confirm before two years of imaging. A P/Q-type VGCC result above the lab's normal limit but at or
 * below {@code lowTitreMax} (0.10 nmol/L by default: the low band, 0.03-0.10 nmol/L, of Zalewski et al., Muscle Nerve
 * 2016, in whose cohort these antibodies were found in 1.7 % of healthy and 4 % of lung-cancer controls and low values
 * rarely meant neurological autoimmunity), with no LEMS diagnosis recorded (ingested, or a Condition in the EHR) and
 * no positive SOX1/AGNA-1: LEMS is a clinical and electrodiagnostic diagnosis, so one Task asks a clinician to
 * confirm it, and no imaging round is written until a LEMS diagnosis is recorded or the clinician answers yes
 * (screen). No ends the episode. A result without a number (a lab's qualitative positive) cannot be judged low.
 */
public final class LowTitreRule implements TriageRule {
    public static final String ID = "LOW-TITRE-CONFIRM@1";
    static final String REQUEST = "confirm-low-titre";
    /** Comparators that leave a value at or below the limit. */
    private static final Set<String> NOT_ABOVE = Set.of("", "<", "<=");

    private final BigDecimal lowTitreMax;

    public LowTitreRule(BigDecimal lowTitreMax) {
        this.lowTitreMax = lowTitreMax;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public List<Finding> apply(PatientEvidence evidence) {
        List<PatientEvidence.ReadResult> pq = evidence.positive(Analyte.VGCC_PQ);
        if (pq.isEmpty() || !pq.stream().allMatch(this::low) || !evidence.positive(Analyte.SOX1).isEmpty()
                || !evidence.positive(Analyte.AGNA1).isEmpty() || !evidence.positive(Analyte.LEMS_DIAGNOSIS).isEmpty()
                || evidence.lemsDiagnosisInEhr()) {
            return List.of();
        }
        String what = "low-titre P/Q-type antibody (at or below " + Positivity.plain(lowTitreMax) + " nmol/L, the low band "
                + "of Zalewski 2016, in which neurological disease was rare) and no LEMS diagnosis or SOX1/AGNA-1 on record";
        var answer = evidence.answer(REQUEST);
        if (answer.isPresent() && answer.get()) {
            return List.of(Finding.tier(ID, Tier.NONE, pq,
                    what + "; a clinician confirmed LEMS and asked for screening"));
        }
        if (answer.isPresent()) {
            return List.of(Finding.ends(ID, what + "; a clinician answered that screening is not needed",
                    Closure.Reason.CLINICIAN_DECLINED, null));
        }
        ClinicianRequest request = new ClinicianRequest(REQUEST, ClinicianRequest.Kind.CONFIRM_LOW_TITRE, pq.get(0).result().reference(),
                "Please confirm Lambert-Eaton myasthenic syndrome before two years of tumour-screening imaging: the P/Q-type "
                        + "VGCC antibody is positive at a low titre (" + String.join(", ", pq.stream().map(LowTitreRule::value).toList())
                        + "), and low values are found in healthy people and in lung cancer without LEMS (Zalewski 2016). "
                        + "LEMS is a clinical and electrodiagnostic diagnosis. Record the diagnosis, or complete this Task with "
                        + "Yes (SNOMED CT 373066001) to start screening, or No (373067005) if it is not needed [rule " + ID + "].",
                null);
        return List.of(Finding.asks(ID, pq, what + ": no imaging until a clinician confirms LEMS", request, Hold.CONFIRMATION));
    }

    private boolean low(PatientEvidence.ReadResult r) {
        LabResult.NormalisedQuantity q = r.result().quantity();
        return q != null && "nmol/L".equals(q.unit()) && NOT_ABOVE.contains(q.comparator() == null ? "" : q.comparator())
                && q.value().compareTo(lowTitreMax) <= 0;
    }

    private static String value(PatientEvidence.ReadResult r) {
        LabResult.NormalisedQuantity q = r.result().quantity();
        return Positivity.plain(q.value()) + " nmol/L (" + r.result().reference() + ")";
    }
}
