package org.lemstriage.classifier.rules;

import org.lemstriage.model.event.ClinicianRequest;
import org.lemstriage.model.terminology.Analyte;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * An equivocal or indeterminate screening antibody result (P/Q-type VGCC, SOX1, AGNA-1) is never silent:
 * one Task asks to repeat or confirm the test, routine, for the clinician who ordered it where the result names one
 * (else the worklist). No rounds come from it. A later decisive result of the same antibody that is not equivocal
 * answers it.
 */
public final class EquivocalRepeatRule implements TriageRule {
    public static final String ID = "EQUIVOCAL-REPEAT@1";
    static final String REQUEST = "repeat/";
    private static final Set<Analyte> SCREENING = Set.of(Analyte.VGCC_PQ, Analyte.SOX1, Analyte.AGNA1);

    @Override
    public String id() {
        return ID;
    }

    @Override
    public List<Finding> apply(PatientEvidence evidence) {
        List<Finding> findings = new ArrayList<>();
        for (PatientEvidence.ReadResult r : evidence.results()) {
            if (!r.equivocal() || !SCREENING.contains(r.result().analyte()) || repeated(r, evidence)) {
                continue;
            }
            String reference = r.result().reference();
            String test = r.result().analyte().display();
            String owner = r.result().orderedBy().stream()
                    .filter(o -> o.startsWith("Practitioner/") || o.startsWith("PractitionerRole/")).findFirst().orElse(null);
            ClinicianRequest request = new ClinicianRequest(REQUEST + reference, ClinicianRequest.Kind.REPEAT_TEST, reference,
                    "Please repeat or confirm the " + test + " test: its result (" + reference + ") is equivocal ("
                            + r.reading().basis() + "), so it neither starts nor rules out tumour screening [rule " + ID + "].",
                    owner);
            findings.add(Finding.asks(ID, List.of(r), test + " result " + reference + " is equivocal: a clinician is asked "
                    + "to repeat or confirm the test", request, null));
        }
        return findings;
    }

    /** Whether a decisive result of the same antibody, not equivocal, came after this one. */
    private static boolean repeated(PatientEvidence.ReadResult equivocal, PatientEvidence evidence) {
        Instant at = equivocal.result().effective();
        return evidence.results().stream().filter(o -> o != equivocal && o.decisive() && !o.equivocal() && o.reading() != null)
                .filter(o -> o.result().analyte() == equivocal.result().analyte())
                .anyMatch(o -> at == null || (o.result().effective() != null && o.result().effective().isAfter(at)));
    }
}
