package org.lemstriage.classifier.ehr;

import jakarta.enterprise.context.ApplicationScoped;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Task;
import org.lemstriage.model.event.ClinicalContext.EpisodeTask;
import org.lemstriage.model.fhir.EhrIdentifiers;
import org.lemstriage.model.event.ClinicalContext;
import org.lemstriage.model.event.ClinicalContext.CodedFact;
import org.lemstriage.model.event.ClinicalContext.Measurement;
import org.lemstriage.model.event.ContextRequest;
import org.lemstriage.ehrclient.EhrBatch;
import org.lemstriage.ehrclient.EhrClient;
import org.lemstriage.ehrclient.EhrFailure;
import org.lemstriage.ehrclient.PatientByIdentifier;
import org.lemstriage.model.PatientKey;
import org.lemstriage.model.TriageClock;
import org.lemstriage.model.terminology.UnitNormaliser;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;

/**
 * Reads what DELTA-P and the surveillance need from the EHR's FHIR API: the Patient (birth date, gender), smoking status (LOINC
 * 72166-2), body weights (29463-7, converted to kg with UCUM), Karnofsky (89243-0) and ECOG (89247-1) scores, pregnancy
 * status (82810-3), the patient's Conditions with onset and abatement, and the Tasks of the episode with their coded
 * outputs (round progress, a round's CT reported negative, clinicians' answers). Facts only; the classifier's rules
 * judge them. Any failed read fails the whole context.
 */
@ApplicationScoped
public class ClinicalContextReader {
    static final String LOINC = "http://loinc.org";
    static final String SMOKING = "72166-2";
    static final String WEIGHT = "29463-7";
    static final String KARNOFSKY = "89243-0";
    static final String ECOG = "89247-1";
    /** Pregnancy status (imaging is held for a clinician's decision in pregnancy). */
    static final String PREGNANCY_STATUS = "82810-3";
    private static final String[] OBSERVATION_CODES = {SMOKING, WEIGHT, KARNOFSKY, ECOG, PREGNANCY_STATUS};

    private final EhrClient ehr;
    private final UnitNormaliser units;
    private final TriageClock clock;

    public ClinicalContextReader(EhrClient ehr, UnitNormaliser units, TriageClock clock) {
        this.ehr = ehr;
        this.units = units;
        this.clock = clock;
    }

    /**
     * @throws EhrFailure when the EHR cannot be read, or does not know the patient
     * @throws PatientByIdentifier.NotResolved when a patient named by identifier is not exactly one Patient
     */
    public ClinicalContext read(ContextRequest request) {
        // A patient named by id is searched for at once; one named by identifier is found first
        String key = request.patientKey();
        String knownId = PatientKey.byIdentifier(key) ? null : PatientKey.patientId(key);
        Patient patient = knownId == null ? PatientByIdentifier.resolve(ehr, PatientKey.identifier(key)) : null;
        String id = knownId != null ? knownId : patient.getIdElement().getIdPart();
        String ref = "Patient/" + id;
        // One round trip (EhrBatch): the Patient, one search for every Observation DELTA-P reads by LOINC code, the
        // Conditions, the episode's Tasks. Every search is HAPI's typed criteria: values escaped and encoded, never text
        EhrBatch reads = ehr.batch("read the context of " + request.requestId());
        var observations = reads.search("search Observation", Observation.class, Observation.PATIENT.hasId(ref),
                Observation.CODE.exactly().systemAndValues(LOINC, OBSERVATION_CODES));
        var conditionsFound = reads.search("search Condition", Condition.class, Condition.PATIENT.hasId(ref));
        var tasksFound = request.episodeId() == null ? null : reads.search("search Task", Task.class,
                Task.GROUP_IDENTIFIER.exactly().systemAndCode(EhrIdentifiers.EPISODE, request.episodeId()));
        var patientRead = patient == null ? reads.read(Patient.class, id) : null;
        reads.send();
        if (patient == null) {
            patient = patientRead.get().orElseThrow(() -> new EhrFailure.Permanent(404, "read Patient: EHR answered 404"));
        }
        List<CodedFact> smoking = new ArrayList<>();
        List<Measurement> weights = new ArrayList<>();
        List<Measurement> performance = new ArrayList<>();
        List<CodedFact> pregnancy = new ArrayList<>();
        for (Observation o : observations.get()) {
            String loinc = o.getCode().getCoding().stream().filter(c -> LOINC.equals(c.getSystem())).map(c -> c.getCode())
                    .filter(List.of(OBSERVATION_CODES)::contains).findFirst().orElse("");
            switch (loinc) {
                case SMOKING -> smoking.add(new CodedFact(reference(o), date(o),
                        codes(o.hasValueCodeableConcept() ? o.getValueCodeableConcept() : null), null, null));
                case PREGNANCY_STATUS -> pregnancy.add(new CodedFact(reference(o), date(o),
                        codes(o.hasValueCodeableConcept() ? o.getValueCodeableConcept() : null), null, null));
                case WEIGHT -> kilograms(o).ifPresent(kg -> weights.add(new Measurement(reference(o), WEIGHT, date(o), kg, "kg")));
                case KARNOFSKY, ECOG -> score(o).ifPresent(v -> performance.add(new Measurement(reference(o), loinc, date(o), v, null)));
                default -> { } // another code of the same Observation matched: not one DELTA-P reads
            }
        }
        List<CodedFact> conditions = conditionsFound.get().stream()
                .map(c -> new CodedFact(reference(c), conditionDate(c), codes(c.getCode()),
                        c.hasClinicalStatus() ? c.getClinicalStatus().getCodingFirstRep().getCode() : null,
                        c.hasVerificationStatus() ? c.getVerificationStatus().getCodingFirstRep().getCode() : null,
                        abatementDate(c)))
                .toList();
        return new ClinicalContext(request.patientKey(), request.requestId(), ClinicalContext.Status.AVAILABLE, null,
                clock.instant(), request.onset(), ref,
                birthDate(patient), patient.hasGender() ? patient.getGender().toCode() : null, smoking, weights, performance,
                conditions, tasksFound == null ? List.of() : episodeTasks(tasksFound.get()), pregnancy);
    }

    /** The Tasks of the open episode (by its group identifier), with the status the oncology team left them in. */
    private static List<EpisodeTask> episodeTasks(List<Task> found) {
        return found.stream()
                .map(t -> new EpisodeTask(reference(t), t.getIdentifier().stream().map(i -> i.getValue()).findFirst().orElse(null),
                        t.hasStatus() ? t.getStatus().toCode() : null, outputs(t), codes(t.getStatusReason())))
                .toList();
    }

    /** The Task's outputs whose value is coded (a CT thorax reported negative, for one). */
    private static List<ClinicalContext.Output> outputs(Task task) {
        return task.getOutput().stream().filter(o -> o.getValue() instanceof CodeableConcept)
                .map(o -> new ClinicalContext.Output(codes(o.getType()), codes((CodeableConcept) o.getValue()))).toList();
    }

    /** A partial birth date (year, or year and month) counts from its first day. */
    private static LocalDate birthDate(Patient patient) {
        if (!patient.hasBirthDate()) {
            return null;
        }
        DateType d = patient.getBirthDateElement();
        return LocalDate.of(d.getYear(), d.getMonth() == null ? 1 : d.getMonth() + 1, d.getDay() == null ? 1 : d.getDay());
    }

    private Optional<BigDecimal> kilograms(Observation o) {
        if (!o.hasValueQuantity() || !o.getValueQuantity().hasValue()) {
            return Optional.empty();
        }
        try {
            return Optional.of(units.convert(o.getValueQuantity(), "kg"));
        } catch (IllegalArgumentException notAWeight) {
            return Optional.empty();
        }
    }

    private static Optional<BigDecimal> score(Observation o) {
        if (o.hasValueIntegerType()) {
            return Optional.of(BigDecimal.valueOf(o.getValueIntegerType().getValue()));
        }
        if (o.hasValueQuantity() && o.getValueQuantity().hasValue()) {
            Quantity q = o.getValueQuantity();
            return Optional.of(q.getValue());
        }
        return Optional.empty();
    }

    private static List<String> codes(CodeableConcept concept) {
        return concept == null ? List.of() : concept.getCoding().stream().map(c -> c.getSystem() + "|" + c.getCode()).toList();
    }

    private static String reference(Resource r) {
        return r.fhirType() + "/" + r.getIdElement().getIdPart();
    }

    private static LocalDate date(Observation o) {
        if (o.hasEffectiveDateTimeType()) {
            return toDate(o.getEffectiveDateTimeType());
        }
        if (o.hasEffectivePeriod() && o.getEffectivePeriod().hasStart()) {
            return toDate(o.getEffectivePeriod().getStartElement());
        }
        return o.hasIssued() ? o.getIssued().toInstant().atZone(ZoneOffset.UTC).toLocalDate() : null;
    }

    private static LocalDate conditionDate(Condition c) {
        if (c.hasOnsetDateTimeType()) {
            return toDate(c.getOnsetDateTimeType());
        }
        return c.hasRecordedDate() ? c.getRecordedDate().toInstant().atZone(ZoneOffset.UTC).toLocalDate() : null;
    }

    /** When a Condition ended (abatementDateTime, or the end of abatementPeriod); null when not recorded as a date. */
    private static LocalDate abatementDate(Condition c) {
        if (c.hasAbatementDateTimeType()) {
            return toDate(c.getAbatementDateTimeType());
        }
        return c.hasAbatementPeriod() && c.getAbatementPeriod().hasEnd() ? toDate(c.getAbatementPeriod().getEndElement()) : null;
    }

    private static LocalDate toDate(BaseDateTimeType value) {
        Date date = value.getValue();
        return date == null ? null : date.toInstant().atZone(ZoneOffset.UTC).toLocalDate();
    }
}
