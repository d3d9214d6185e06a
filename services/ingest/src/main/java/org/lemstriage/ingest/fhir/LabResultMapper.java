package org.lemstriage.ingest.fhir;

import jakarta.enterprise.context.ApplicationScoped;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Resource;
import org.lemstriage.ingest.validation.TrackedResultValidator;
import org.lemstriage.model.PatientKey;
import org.lemstriage.model.event.LabResult;
import org.lemstriage.model.event.LabResult.NormalisedQuantity;
import org.lemstriage.model.event.LabResult.Qualitative;
import org.lemstriage.model.event.LabResult.ReferenceRange;
import org.lemstriage.model.fhir.Fhir;
import org.lemstriage.model.terminology.Analyte;
import org.lemstriage.model.terminology.AnalyteMap;
import org.lemstriage.model.terminology.UnitNormaliser;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns an Observation of a tracked analyte, or a Condition that records a LEMS diagnosis, into a
 * {@link LabResult}; anything else maps to nothing.
 */
@ApplicationScoped
public class LabResultMapper {
    private static final String SNOMED = "http://snomed.info/sct";
    /** SNOMED CT qualifier values labs use for qualitative antibody results. */
    private static final Map<String, Qualitative> SNOMED_RESULTS = Map.of(
            "10828004", Qualitative.POSITIVE, "260385009", Qualitative.NEGATIVE, "42425007", Qualitative.EQUIVOCAL);
    private static final Map<String, Qualitative> WORDS = Map.of(
            "positive", Qualitative.POSITIVE, "detected", Qualitative.POSITIVE,
            "negative", Qualitative.NEGATIVE, "not detected", Qualitative.NEGATIVE,
            "equivocal", Qualitative.EQUIVOCAL, "indeterminate", Qualitative.EQUIVOCAL);

    /**
     * The tag (meta.tag) of an Observation that makes final, without a value, the value sent before under its
     * identifier: HL7 v2 OBX-11 {@code U} ("results status change to final without retransmitting results already sent
     * as preliminary", Table 0085), which the v2-to-FHIR IG maps to status final. Without it, a final without a value
     * is a result without a value: kept, deciding nothing.
     */
    public static final String STATUS_CHANGE_SYSTEM = "https://lemstriage.org/fhir/CodeSystem/result-status-change";
    public static final String FINAL_WITHOUT_RETRANSMISSION = "final-without-retransmission";

    /** The UCUM annotation for a titer: the value is the end dilution N of 1:N. */
    public static final String TITER = "{titer}";
    private static final java.util.regex.Pattern TITER_TEXT = java.util.regex.Pattern.compile("1\\s*:\\s*(\\d{1,7})");

    private final AnalyteMap analytes;
    private final UnitNormaliser units;
    private final TrackedResultValidator validator;

    @jakarta.inject.Inject
    public LabResultMapper(AnalyteMap analytes, UnitNormaliser units, TrackedResultValidator validator) {
        this.analytes = analytes;
        this.units = units;
        this.validator = validator;
    }

    /** Without instance validation (tests of the mapping alone). */
    public LabResultMapper(AnalyteMap analytes, UnitNormaliser units) {
        this(analytes, units, new TrackedResultValidator(false, 0));
    }

    /** An Observation (a lab result) or a Condition (a diagnosis) as a tracked result, or nothing. */
    public Optional<LabResult> map(Resource resource) {
        if (resource instanceof Condition condition) {
            return map(condition);
        }
        return map((Observation) resource);
    }

    public Optional<LabResult> map(Observation observation) {
        Optional<AnalyteMap.Mapped> mapped = analytes.map(observation.getCode());
        if (mapped.isEmpty() || mapped.get().analyte().diagnosis()) {
            return Optional.empty(); // a diagnosis code on an Observation is not a diagnosis
        }
        Analyte analyte = mapped.get().analyte();
        // The subject first: a reference that is no Patient id (a "#fragment", a comma) is refused before HAPI encodes it
        String patientKey = PatientKey.of(observation.getSubject()).orElseThrow(() -> new FhirInputException(422,
                "Observation.subject", "Observation.subject must reference a Patient (literal or by identifier)"));
        // Encoded once: validated as it is carried (a blocking call: callers run off the event loop)
        String json = Fhir.r4().newJsonParser().encodeResourceToString(observation);
        validator.validate(json);
        return Optional.of(new LabResult(patientKey, analyte, mapped.get().labCode(),
                observationId(observation), observation.getMeta().getVersionId(),
                observation.getMeta().getSource(), observation.getStatus().toCode(), effective(observation),
                quantity(observation, analyte), qualitative(observation), interpretation(observation),
                referenceRange(observation, analyte), json, orderedBy(observation), null, finalisesEarlier(observation)));
    }

    /** Whether the Observation says it makes final the value sent before (it carries none, and the tag). */
    private static Boolean finalisesEarlier(Observation observation) {
        return !observation.hasValue() && observation.getMeta().getTag(STATUS_CHANGE_SYSTEM, FINAL_WITHOUT_RETRANSMISSION) != null
                ? Boolean.TRUE : null;
    }

    /**
     * A Condition whose code is a LEMS diagnosis (seronegative LEMS opens the same surveillance). Its
     * verification status stands for a result's status: confirmed (or none given: a diagnosis on the problem list)
     * decides, provisional, differential and unconfirmed are kept but decide nothing, refuted and entered-in-error
     * withdraw what it contributed. Any other Condition is not tracked.
     */
    public Optional<LabResult> map(Condition condition) {
        Optional<AnalyteMap.Mapped> mapped = analytes.map(condition.getCode());
        if (mapped.isEmpty() || !mapped.get().analyte().diagnosis()) {
            return Optional.empty();
        }
        String patientKey = PatientKey.of(condition.getSubject()).orElseThrow(() -> new FhirInputException(422,
                "Condition.subject", "Condition.subject must reference a Patient (literal or by identifier)"));
        String json = Fhir.r4().newJsonParser().encodeResourceToString(condition);
        validator.validate(json);
        String verification = condition.hasVerificationStatus() ? condition.getVerificationStatus().getCodingFirstRep().getCode() : null;
        String status = switch (verification == null ? "confirmed" : verification) {
            case "confirmed" -> "final";
            case "provisional", "differential", "unconfirmed" -> "preliminary";
            case "refuted" -> "cancelled";
            case "entered-in-error" -> "entered-in-error";
            default -> throw new FhirInputException(422, "Condition.verificationStatus",
                    "Condition.verificationStatus must be a code of http://terminology.hl7.org/CodeSystem/condition-ver-status");
        };
        Instant onset = condition.hasOnsetDateTimeType() ? condition.getOnsetDateTimeType().getValue().toInstant()
                : condition.hasOnsetPeriod() && condition.getOnsetPeriod().hasStart() ? condition.getOnsetPeriod().getStart().toInstant()
                : condition.hasRecordedDate() ? condition.getRecordedDate().toInstant() : null;
        Instant recorded = condition.hasRecordedDate() ? condition.getRecordedDate().toInstant() : null;
        return Optional.of(LabResult.diagnosis(patientKey, mapped.get().analyte(), mapped.get().labCode(),
                resourceId(condition, condition.getIdentifier()), condition.getMeta().getVersionId(), condition.getMeta().getSource(),
                status, onset, recorded, json));
    }

    /**
     * Who asked for the result (the ordering clinician is told): the ServiceRequests it is based on,
     * else its performers that are clinicians: literal relative references, and Practitioners named by identifier
     * only (HL7 v2's OBR-16) as the conditional reference {@code Practitioner?identifier=system|value}. The notifier
     * finds each in the EHR.
     */
    static List<String> orderedBy(Observation observation) {
        List<String> basedOn = literal(observation.getBasedOn(), Set.of("ServiceRequest"));
        if (!basedOn.isEmpty()) {
            return basedOn;
        }
        List<String> performers = new java.util.ArrayList<>(literal(observation.getPerformer(), Set.of("Practitioner", "PractitionerRole")));
        observation.getPerformer().stream().filter(r -> !r.hasReference() && "Practitioner".equals(r.getType())
                        && r.getIdentifier().hasSystem() && r.getIdentifier().hasValue())
                .map(r -> LabResult.PRACTITIONER_BY_IDENTIFIER + r.getIdentifier().getSystem() + "|" + r.getIdentifier().getValue())
                .distinct().forEach(performers::add);
        return List.copyOf(performers);
    }

    /** The references that are literal, relative, unversioned and of one of {@code types}, as {@code Type/id}. */
    private static List<String> literal(List<org.hl7.fhir.r4.model.Reference> references, Set<String> types) {
        return references.stream().filter(r -> r.hasReference()).map(r -> new org.hl7.fhir.r4.model.IdType(r.getReference()))
                .filter(id -> !id.isAbsolute() && !id.isLocal() && !id.hasVersionIdPart() && types.contains(id.getResourceType())
                        && id.isIdPartValid())
                .map(id -> id.getResourceType() + "/" + id.getIdPart()).distinct().toList();
    }

    /**
     * The sender's logical id; without one, the first business identifier; without that, a digest of the content,
     * so that a resend of the same content is recognised as the same result downstream.
     */
    static String observationId(Observation observation) {
        return resourceId(observation, observation.getIdentifier());
    }

    private static String resourceId(Resource resource, List<Identifier> identifiers) {
        if (resource.getIdElement().hasIdPart()) {
            return resource.getIdElement().getIdPart();
        }
        if (!identifiers.isEmpty() && identifiers.get(0).hasValue()) {
            var identifier = identifiers.get(0);
            return "identifier:" + identifier.getSystem() + "|" + identifier.getValue();
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(
                    Fhir.r4().newJsonParser().encodeResourceToString(resource).getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Instant effective(Observation observation) {
        if (observation.hasEffectiveDateTimeType()) {
            return observation.getEffectiveDateTimeType().getValue().toInstant();
        }
        if (observation.hasEffectivePeriod() && observation.getEffectivePeriod().hasStart()) {
            return observation.getEffectivePeriod().getStart().toInstant();
        }
        if (observation.hasEffectiveInstantType()) {
            return observation.getEffectiveInstantType().getValue().toInstant();
        }
        return observation.hasIssued() ? observation.getIssued().toInstant() : null;
    }

    private NormalisedQuantity quantity(Observation observation, Analyte analyte) {
        if (analyte.canonicalUnit() == null) {
            Optional<BigDecimal> titer = titer(observation);
            if (titer.isPresent()) {
                return new NormalisedQuantity(titer.get(), TITER, null, titer.get(), TITER);
            }
        }
        if (!observation.hasValueQuantity()) {
            return null;
        }
        Quantity q = observation.getValueQuantity();
        if (!q.hasValue()) {
            throw new FhirInputException(422, "Observation.valueQuantity.value", "valueQuantity has no value");
        }
        String comparator = q.hasComparator() ? q.getComparator().toCode() : null;
        String unit = q.hasCode() ? q.getCode() : q.getUnit();
        if (analyte.canonicalUnit() == null) {
            return new NormalisedQuantity(q.getValue(), unit, comparator, q.getValue(), unit);
        }
        return new NormalisedQuantity(convert(q, analyte, "Observation.valueQuantity"), analyte.canonicalUnit(),
                comparator, q.getValue(), unit);
    }

    /**
     * An end titer 1:N (AGNA-1 titers, e.g. Mayo AGNTS) as its dilution N, from valueRatio 1:N or valueString "1:N"
     * (as HL7 v2 interfaces often send it). The classifier reads it against the lab's titer cutoff.
     */
    static Optional<BigDecimal> titer(Observation observation) {
        if (observation.hasValueRatio()) {
            var ratio = observation.getValueRatio();
            if (ratio.getNumerator().hasValue() && ratio.getNumerator().getValue().compareTo(BigDecimal.ONE) == 0
                    && ratio.getDenominator().hasValue()) {
                return Optional.of(ratio.getDenominator().getValue());
            }
            throw new FhirInputException(422, "Observation.valueRatio", "a titer must be written 1:N (numerator 1)");
        }
        if (observation.hasValueStringType()) {
            var m = TITER_TEXT.matcher(observation.getValueStringType().getValue().trim());
            if (m.matches()) {
                return Optional.of(new BigDecimal(m.group(1)));
            }
        }
        return Optional.empty();
    }

    private BigDecimal convert(Quantity q, Analyte analyte, String path) {
        try {
            return units.convert(q, analyte.canonicalUnit());
        } catch (IllegalArgumentException e) {
            throw new FhirInputException(422, path + ".code",
                    analyte.display() + ": " + e.getMessage() + " (a UCUM unit convertible to " + analyte.canonicalUnit() + " is required)");
        }
    }

    private static Qualitative qualitative(Observation observation) {
        if (observation.hasValueCodeableConcept()) {
            CodeableConcept value = observation.getValueCodeableConcept();
            for (Coding coding : value.getCoding()) {
                if (SNOMED.equals(coding.getSystem()) && SNOMED_RESULTS.containsKey(coding.getCode())) {
                    return SNOMED_RESULTS.get(coding.getCode());
                }
            }
            return value.hasText() ? WORDS.get(value.getText().trim().toLowerCase(Locale.ROOT)) : null;
        }
        if (observation.hasValueStringType()) {
            return WORDS.get(observation.getValueStringType().getValue().trim().toLowerCase(Locale.ROOT));
        }
        return null;
    }

    private static List<String> interpretation(Observation observation) {
        return observation.getInterpretation().stream().flatMap(c -> c.getCoding().stream())
                .filter(Coding::hasCode).map(Coding::getCode).distinct().toList();
    }

    private ReferenceRange referenceRange(Observation observation, Analyte analyte) {
        if (!observation.hasReferenceRange()) {
            return null;
        }
        var range = observation.getReferenceRangeFirstRep();
        BigDecimal low = range.hasLow() ? bound(range.getLow(), analyte, "Observation.referenceRange[0].low") : null;
        BigDecimal high = range.hasHigh() ? bound(range.getHigh(), analyte, "Observation.referenceRange[0].high") : null;
        return new ReferenceRange(low, high, range.getText());
    }

    private BigDecimal bound(Quantity q, Analyte analyte, String path) {
        if (!q.hasValue()) {
            return null;
        }
        return analyte.canonicalUnit() == null ? q.getValue() : convert(q, analyte, path);
    }
}
