package org.lemstriage.classifier.rules;

import org.lemstriage.model.event.LabResult;

import java.util.List;

/**
 * A patient's current antibody results, each with its reading. Only final, amended and corrected results decide
 * (DESIGN.md); preliminary ones are kept and shown but decide nothing.
 */
public record PatientEvidence(String patientKey, List<ReadResult> results) {

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
