package org.lemstriage.classifier.rules;

import org.lemstriage.model.event.ClinicalContext;
import org.lemstriage.model.event.DeltaPItem;
import org.lemstriage.model.event.LabResult;
import org.lemstriage.model.event.TriageDecision.ContextStatus;
import org.lemstriage.model.terminology.Analyte;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * What the rules see for one patient: the antibody results, each with its reading, and what the EHR's clinical
 * context says. Only final, amended and corrected results decide; preliminary ones are kept and shown but decide
 * nothing.
 *
 * @param context          whether the clinical context could be read
 * @param onset            the date of the first decisive positive screening result (DELTA-P's onset), or null
 * @param deltaP           the six DELTA-P items (all UNKNOWN without context)
 * @param tumours          the confirmed, active tumours the EHR records, sorted by whether they explain LEMS
 * @param lemsDiagnosisInEhr whether the EHR records a confirmed LEMS diagnosis (a Condition)
 * @param ageAtOnset       the patient's age in years at onset, or null when unknown
 * @param pregnancy        an active pregnancy the EHR records (a Condition or a pregnancy status), or null
 * @param answers          clinicians' coded answers on the episode's request Tasks
 */
public record PatientEvidence(String patientKey, List<ReadResult> results, ContextStatus context, LocalDate onset,
                              List<DeltaPItem> deltaP, TumourFit.Tumours tumours, boolean lemsDiagnosisInEhr,
                              Integer ageAtOnset, ClinicalContext.CodedFact pregnancy, ClinicianAnswers answers) {

    /** Decisive positive results of one analyte. */
    public List<ReadResult> positive(Analyte analyte) {
        return results.stream().filter(r -> r.result().analyte() == analyte && r.positive()).toList();
    }

    /** A known small-cell lung cancer (code list {@code lemsTumour}): no screening. */
    public Optional<ClinicalContext.CodedFact> knownLemsTumour() {
        return tumours.explaining().stream().findFirst();
    }

    /** A clinician's answer to one question, if its Task was completed with one. */
    public Optional<Boolean> answer(String requestId) {
        return Optional.ofNullable(answers.answered().get(requestId));
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

        public boolean equivocal() {
            return decisive() && reading != null && reading.result() == LabResult.Qualitative.EQUIVOCAL;
        }
    }
}
