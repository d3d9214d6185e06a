package org.lemstriage.model.event;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * What the EHR holds that DELTA-P needs, for one patient (topic {@code triage.context.v1}, key: patient key).
 * Facts only: the classifier's rules turn them into DELTA-P items. Every fact names its source resource.
 *
 * @param status      AVAILABLE when the EHR answered every read, UNAVAILABLE otherwise (then every list is empty)
 * @param reason      why the context is unavailable (e.g. "EHR answered 503"); null when available
 * @param birthDate   Patient.birthDate, null when the EHR has none
 * @param gender      Patient.gender code, null when absent
 */
public record ClinicalContext(
        String patientKey,
        String requestId,
        Status status,
        String reason,
        Instant readAt,
        LocalDate onset,
        String patientReference,
        LocalDate birthDate,
        String gender,
        List<CodedFact> smoking,
        List<Measurement> weights,
        List<Measurement> performance,
        List<CodedFact> conditions,
        List<EpisodeTask> tasks,
        List<CodedFact> pregnancyStatus) {

    public ClinicalContext {
        tasks = tasks == null ? List.of() : tasks;
        pregnancyStatus = pregnancyStatus == null ? List.of() : pregnancyStatus;
    }

    /** A context without pregnancy status. */
    public ClinicalContext(String patientKey, String requestId, Status status, String reason, Instant readAt,
                           LocalDate onset, String patientReference, LocalDate birthDate, String gender,
                           List<CodedFact> smoking, List<Measurement> weights, List<Measurement> performance,
                           List<CodedFact> conditions, List<EpisodeTask> tasks) {
        this(patientKey, requestId, status, reason, readAt, onset, patientReference, birthDate, gender, smoking, weights,
                performance, conditions, tasks, List.of());
    }

    public enum Status { AVAILABLE, UNAVAILABLE }

    /**
     * One Task of the episode the request named, as the EHR holds it: its business identifier value (a round's is
     * {@code <episode>/round-<n>}), its status as the oncology team left it, its coded outputs, and the codes of its
     * statusReason (whether lems-triage itself withdrew it); never null.
     */
    public record EpisodeTask(String reference, String identifier, String status, List<Output> outputs,
                              List<String> statusReason) {
        public EpisodeTask {
            outputs = outputs == null ? List.of() : outputs;
            statusReason = statusReason == null ? List.of() : statusReason;
        }

        public EpisodeTask(String reference, String identifier, String status) {
            this(reference, identifier, status, List.of(), List.of());
        }

        public EpisodeTask(String reference, String identifier, String status, List<Output> outputs) {
            this(reference, identifier, status, outputs, List.of());
        }
    }

    /**
     * One Task.output with a coded value: what it reports (Task.output.type) and the value, both as
     * {@code system|code}. A round's CT thorax reported negative is one (then its FDG-PET is ordered).
     */
    public record Output(List<String> type, List<String> value) {
    }

    /**
     * A coded statement (smoking status, a Condition), with its codes as {@code system|code}: for a Condition, its
     * onset (else recorded date) as {@code date} and its abatement date as {@code abated} (null when none).
     */
    public record CodedFact(String reference, LocalDate date, List<String> codes, String clinicalStatus,
                            String verificationStatus, LocalDate abated) {
        public CodedFact(String reference, LocalDate date, List<String> codes, String clinicalStatus, String verificationStatus) {
            this(reference, date, codes, clinicalStatus, verificationStatus, null);
        }

        /** Whether the record is withdrawn: verification refuted or entered-in-error. */
        public boolean withdrawn() {
            return "refuted".equals(verificationStatus) || "entered-in-error".equals(verificationStatus);
        }
    }

    /** A measured value: body weight in kg, or a Karnofsky (LOINC 89243-0) or ECOG (LOINC 89247-1) score. */
    public record Measurement(String reference, String loinc, LocalDate date, BigDecimal value, String unit) {
    }

    public static ClinicalContext unavailable(ContextRequest request, String reason, Instant at) {
        return new ClinicalContext(request.patientKey(), request.requestId(), Status.UNAVAILABLE, reason, at,
                request.onset(), null, null, null, List.of(), List.of(), List.of(), List.of(), List.of(), List.of());
    }
}
