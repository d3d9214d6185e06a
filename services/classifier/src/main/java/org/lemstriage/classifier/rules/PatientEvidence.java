package org.lemstriage.classifier.rules;

import org.lemstriage.model.event.ClinicalContext;
import org.lemstriage.model.event.DeltaPItem;
import org.lemstriage.model.event.LabResult;
import org.lemstriage.model.event.TriageDecision.ContextStatus;
import org.lemstriage.model.terminology.Analyte;

import java.util.List;
import java.util.Optional;

/**
 * What the rules see for one patient: the antibody results, each with its reading, and what the EHR's clinical
 * context says (DELTA-P items, a known lung cancer). Only final, amended and corrected results decide (DESIGN.md);
 * preliminary ones are kept and shown but decide nothing.
 *
 * @param context        whether the clinical context could be read
 * @param deltaP         the six DELTA-P items (all UNKNOWN without context)
 * @param knownLungCancer an active lung-cancer Condition in the EHR, or null
 */
public record PatientEvidence(String patientKey, List<ReadResult> results, ContextStatus context,
                              List<DeltaPItem> deltaP, ClinicalContext.CodedFact knownLungCancer) {

    /** Decisive positive results of one analyte. */
    public List<ReadResult> positive(Analyte analyte) {
        return results.stream().filter(r -> r.result().analyte() == analyte && r.positive()).toList();
    }

    public Optional<ClinicalContext.CodedFact> lungCancer() {
        return Optional.ofNullable(knownLungCancer);
    }

    /** Points from PRESENT items only. */
    public int deltaPScore() {
        return (int) deltaP.stream().filter(i -> i.value() == DeltaPItem.Presence.PRESENT).count();
    }

    public int deltaPUnknown() {
        return (int) deltaP.stream().filter(i -> i.value() == DeltaPItem.Presence.UNKNOWN).count();
    }

    /** One result with its reading (null reading: nothing says positive or negative). */
    public record ReadResult(LabResult result, Positivity.Reading reading) {
        public boolean decisive() {
            return switch (result.status()) {
                case "final", "amended", "corrected" -> true;
                default -> false;
            };
        }

        public boolean positive() {
            return decisive() && reading != null && reading.result() == LabResult.Qualitative.POSITIVE;
        }
    }
}
