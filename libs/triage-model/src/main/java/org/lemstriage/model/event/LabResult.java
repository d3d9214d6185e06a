package org.lemstriage.model.event;

import org.lemstriage.model.terminology.Analyte;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * One tracked antibody result, as published on {@code lab.observation.v1} (key: patient key).
 *
 * @param patientKey        the Kafka key and the subject as the EHR knows it, see {@link org.lemstriage.model.PatientKey}
 * @param analyte           the canonical analyte the lab code mapped to
 * @param labCode           the lab's own code, as {@code system|code}
 * @param observationId     source Observation logical id (as the sender gave it)
 * @param observationVersion source Observation version id, or null when the sender gave none
 * @param sourceSystem      the sender's base URL or meta.source, when known
 * @param status            Observation.status, unchanged (final, amended, corrected, preliminary, entered-in-error, ...)
 * @param effective         Observation.effective[x] (dateTime, or the start of a Period)
 * @param quantity          the value normalised to the analyte's canonical UCUM unit, or null for a qualitative result
 * @param qualitative       the result's own qualitative statement, or null
 * @param interpretation    Observation.interpretation codes (v3 ObservationInterpretation), unchanged
 * @param referenceRange    the lab's own reference range, normalised to the canonical unit, or null
 * @param resource          the original Observation as FHIR JSON, for audit and re-evaluation
 * @param orderedBy         who asked for the result, as the Observation names it: its basedOn
 *                          ServiceRequests, else its performers that are Practitioners or PractitionerRoles: literal
 *                          references, or a Practitioner by identifier only (HL7 v2's OBR-16) as
 *                          {@value #PRACTITIONER_BY_IDENTIFIER}{@code system|value}; empty when it names none
 * @param resourceType      Observation (a lab result; the default) or Condition (a LEMS diagnosis):
 *                          {@code observationId} is then that Condition's id, and
 *                          {@code status} its verification read as a result status (confirmed: final; provisional,
 *                          differential, unconfirmed: preliminary; refuted: cancelled; entered-in-error)
 * @param finalisesEarlier  true when the result carries no value because it makes final the value sent before under
 *                          the same identifier (HL7 v2 OBX-11 {@code U}: "results status change to final without
 *                          retransmitting results already sent as preliminary"); null otherwise
 * @param receivedAt        when the classifier first received this result (a LEMS diagnosis's plan counts
 *                          from it when the EHR gives no recorded date): set in the classifier's state only, null on
 *                          the topic
 * @param recorded          a LEMS diagnosis's Condition.recordedDate (its plan counts from it), null otherwise
 */
public record LabResult(
        String patientKey,
        Analyte analyte,
        String labCode,
        String observationId,
        String observationVersion,
        String sourceSystem,
        String status,
        Instant effective,
        NormalisedQuantity quantity,
        Qualitative qualitative,
        List<String> interpretation,
        ReferenceRange referenceRange,
        String resource,
        List<String> orderedBy,
        String resourceType,
        Boolean finalisesEarlier,
        Instant receivedAt,
        Instant recorded) {
    /** How {@link #orderedBy()} names a Practitioner known only by identifier: a FHIR conditional reference. */
    public static final String PRACTITIONER_BY_IDENTIFIER = "Practitioner?identifier=";

    public LabResult {
        orderedBy = orderedBy == null ? List.of() : orderedBy;
        resourceType = resourceType == null ? "Observation" : resourceType;
    }


    public LabResult(String patientKey, Analyte analyte, String labCode, String observationId, String observationVersion,
                     String sourceSystem, String status, Instant effective, NormalisedQuantity quantity,
                     Qualitative qualitative, List<String> interpretation, ReferenceRange referenceRange, String resource,
                     List<String> orderedBy, String resourceType, Boolean finalisesEarlier) {
        this(patientKey, analyte, labCode, observationId, observationVersion, sourceSystem, status, effective, quantity,
                qualitative, interpretation, referenceRange, resource, orderedBy, resourceType, finalisesEarlier, null, null);
    }

    /** A LEMS diagnosis as ingest publishes a Condition: with its recorded date. */
    public static LabResult diagnosis(String patientKey, Analyte analyte, String labCode, String conditionId, String version,
                                      String sourceSystem, String status, Instant onset, Instant recorded, String resource) {
        return new LabResult(patientKey, analyte, labCode, conditionId, version, sourceSystem, status, onset, null,
                Qualitative.POSITIVE, List.of(), null, resource, List.of(), "Condition", null, null, recorded);
    }

    public LabResult(String patientKey, Analyte analyte, String labCode, String observationId, String observationVersion,
                     String sourceSystem, String status, Instant effective, NormalisedQuantity quantity,
                     Qualitative qualitative, List<String> interpretation, ReferenceRange referenceRange, String resource) {
        this(patientKey, analyte, labCode, observationId, observationVersion, sourceSystem, status, effective, quantity,
                qualitative, interpretation, referenceRange, resource, List.of(), null, null);
    }

    public LabResult(String patientKey, Analyte analyte, String labCode, String observationId, String observationVersion,
                     String sourceSystem, String status, Instant effective, NormalisedQuantity quantity,
                     Qualitative qualitative, List<String> interpretation, ReferenceRange referenceRange, String resource,
                     List<String> orderedBy, String resourceType) {
        this(patientKey, analyte, labCode, observationId, observationVersion, sourceSystem, status, effective, quantity,
                qualitative, interpretation, referenceRange, resource, orderedBy, resourceType, null);
    }

    /** The source resource as a reference: {@code Observation/<id>} or {@code Condition/<id>}. */
    public String reference() {
        return resourceType + "/" + observationId;
    }

    /** What a patient's results are kept by: an Observation by its id, a Condition by its reference. */
    public String key() {
        return "Observation".equals(resourceType) ? observationId : reference();
    }

    /** The same result without the original resource, for state that must stay small. */
    public LabResult withoutResource() {
        return new LabResult(patientKey, analyte, labCode, observationId, observationVersion, sourceSystem, status,
                effective, quantity, qualitative, interpretation, referenceRange, null, orderedBy, resourceType, finalisesEarlier,
                receivedAt, recorded);
    }

    /** The same result, first received by the classifier at {@code at}. */
    public LabResult receivedAt(Instant at) {
        return new LabResult(patientKey, analyte, labCode, observationId, observationVersion, sourceSystem, status,
                effective, quantity, qualitative, interpretation, referenceRange, resource, orderedBy, resourceType,
                finalisesEarlier, at, recorded);
    }

    /**
     * Whether the result states anything: a quantity or a qualitative statement. One without (a final with only a
     * dataAbsentReason, an empty OBX-5) decides nothing, and never withdraws or lowers what an earlier version said.
     */
    public boolean hasValue() {
        return quantity != null || qualitative != null;
    }

    /** This result's value (and all it said) made final by {@code status}, a value-less message that says so. */
    public LabResult finalisedBy(LabResult status) {
        return new LabResult(patientKey, analyte, labCode, observationId, status.observationVersion(), sourceSystem,
                status.status(), effective, quantity, qualitative, interpretation, referenceRange, resource, orderedBy,
                resourceType, null, receivedAt, recorded);
    }

    /** Entered-in-error and cancelled withdraw what the Observation had contributed (docs/design.md). */
    public boolean withdrawn() {
        return "entered-in-error".equals(status) || "cancelled".equals(status);
    }

    /** A value in the analyte's canonical unit, with the comparator and the value as the lab sent it. */
    public record NormalisedQuantity(BigDecimal value, String unit, String comparator, BigDecimal originalValue,
                                     String originalUnit) {
    }

    /** The lab's own range, in the canonical unit; either bound may be null. */
    public record ReferenceRange(BigDecimal low, BigDecimal high, String text) {
    }

    /** A result stated as words or codes rather than a number. */
    public enum Qualitative { POSITIVE, NEGATIVE, EQUIVOCAL }
}
