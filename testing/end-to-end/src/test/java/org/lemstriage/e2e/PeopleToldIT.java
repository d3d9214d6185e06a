package org.lemstriage.e2e;

import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.CommunicationRequest;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.lemstriage.testsupport.BrokerAndSandbox;

import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the pipeline tells people, from a result posted to ingest to what the EHR holds: the patient's reminder in their
 * language, none to a patient who declined them or while a child's plan is held, the clinicians' messages, and a
 * smoker's referral. The surveillance's later events (a round overdue, a PET ordered, the episode ended) are
 * followed in {@link SurveillanceIT}, which moves the clock.
 */
@BrokerAndSandbox
class PeopleToldIT {
    private static final String MAYO = "https://www.mayocliniclabs.com/test-catalog";
    private static Pipeline pipeline;

    @BeforeAll
    static void start(BrokerAndSandbox.Infrastructure infrastructure) throws Exception {
        pipeline = Pipeline.get(infrastructure);
    }

    @Test
    void aSpanishSpeakingSmokerIsRemindedOnceInSpanishReferredOnceAndTheirClinicianToldOnce() throws Exception {
        Patient spanish = new Patient().setGender(Enumerations.AdministrativeGender.FEMALE).setBirthDateElement(new DateType("1957-04-11"));
        spanish.addCommunication().setPreferred(true).setLanguage(new CodeableConcept(new Coding("urn:ietf:bcp:47", "es-MX", "Spanish (Mexico)")));
        String patient = "Patient/" + pipeline.ehr.create().resource(spanish).execute().getId().getIdPart();
        recordCurrentSmoker(patient);
        String clinician = pipeline.newPractitioner();
        String result = positive("e2e-told-es-" + UUID.randomUUID(), patient, clinician);
        assertThat(pipeline.postObservation(result).statusCode()).isEqualTo(201);

        Map<String, CommunicationRequest> reminders = Pipeline.await(() -> pipeline.reminders(patient), r -> !r.isEmpty());
        CommunicationRequest reminder = reminders.values().iterator().next();
        assertThat(reminders.keySet()).singleElement().satisfies(id -> assertThat(id).endsWith("/round-1/reminder/released"));
        assertThat(reminder.getLanguage()).isEqualTo("es");
        assertThat(reminder.getPayloadFirstRep().getContentStringType().getValue()).contains("tomografía", "control 1 de");
        assertThat(reminder.getMediumFirstRep().getCodingFirstRep().getCode()).isEqualTo("ONLINEWRIT");
        Task round1 = pipeline.rounds(patient, "requested").get(0);
        assertThat(reminder.getAboutFirstRep().getReferenceElement().getIdPart()).isEqualTo(round1.getIdElement().getIdPart());
        assertThat(pipeline.smokingReferrals(patient)).singleElement()
                .satisfies(r -> assertThat(r.getCode().getCodingFirstRep().getCode()).isEqualTo("315232003"));
        assertThat(pipeline.notices(patient)).containsOnlyKeys("opened")
                .allSatisfy((event, c) -> assertThat(c.getRecipient()).extracting(Reference::getReference).containsExactly(clinician));

        // The same result again, then an N-type result on the same partition, which proves the first was read
        assertThat(pipeline.postObservation(result).statusCode()).isEqualTo(201);
        assertThat(pipeline.postObservation(Pipeline.quantity("e2e-told-n-" + UUID.randomUUID(), patient, MAYO, "CCN", "0.01",
                "nmol/L", pipeline.classifierNow().toString())).statusCode()).isEqualTo(201);
        Pipeline.await(() -> pipeline.view(patient), v -> v.path("results").size() == 2);
        Thread.sleep(2_000); // a decision made on it goes through the notifier
        assertThat(pipeline.reminders(patient)).hasSize(1);
        assertThat(pipeline.smokingReferrals(patient)).hasSize(1);
        assertThat(pipeline.notices(patient)).hasSize(1);
    }

    @Test
    void aPatientWhoDeclinedRemindersGetsNone() throws Exception {
        String patient = pipeline.newPatient("1950-01-15", Enumerations.AdministrativeGender.MALE);
        Consent optOut = new Consent().setStatus(Consent.ConsentState.ACTIVE).setPatient(new Reference(patient))
                .setScope(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/consentscope", "patient-privacy", null)));
        optOut.addCategory(new CodeableConcept(new Coding("http://loinc.org", "59284-0", "Patient Consent")));
        optOut.getProvision().setType(Consent.ConsentProvisionType.DENY)
                .addClass_(new Coding("http://hl7.org/fhir/resource-types", "CommunicationRequest", null));
        pipeline.ehr.create().resource(optOut).execute();
        assertThat(pipeline.postObservation(Pipeline.quantity("e2e-told-optout-" + UUID.randomUUID(), patient, MAYO, "CCPQ",
                "0.45", "nmol/L", pipeline.classifierNow().toString())).statusCode()).isEqualTo(201);
        // Round 1 is released in the transaction that would have carried the reminder
        Pipeline.await(() -> pipeline.rounds(patient, "requested"), t -> !t.isEmpty());
        assertThat(pipeline.reminders(patient)).isEmpty();
    }

    @Test
    void aChildsHeldPlanRemindsNobodyAndAsksTheOrderingClinicianOnce() throws Exception {
        String patient = pipeline.newPatient("2015-06-01", Enumerations.AdministrativeGender.FEMALE);
        String clinician = pipeline.newPractitioner();
        assertThat(pipeline.postObservation(positive("e2e-told-child-" + UUID.randomUUID(), patient, clinician)).statusCode()).isEqualTo(201);
        Task decision = Pipeline.await(() -> pipeline.asks(patient, "requested", "imaging-decision"), t -> !t.isEmpty()).get(0);
        assertThat(pipeline.rounds(patient, "requested")).as("nothing released").isEmpty();
        assertThat(pipeline.reminders(patient)).isEmpty();
        // One message at the opening, to the clinician who ordered the test, naming the question and linking its Task
        assertThat(pipeline.notices(patient)).containsOnlyKeys("opened").allSatisfy((event, c) -> {
            assertThat(c.getRecipient()).extracting(Reference::getReference).containsExactly(clinician);
            assertThat(c.getAbout()).extracting(r -> r.getReferenceElement().getIdPart()).contains(decision.getIdElement().getIdPart());
            assertThat(c.getPayloadFirstRep().getContentStringType().getValue()).contains("A clinician is asked: Decide on tumour-screening imaging");
        });
    }

    /** A P/Q-type VGCC positive (Mayo, 0.45 nmol/L) dated at the classifier's now, performed for {@code clinician}. */
    private static String positive(String id, String patient, String clinician) throws Exception {
        return Pipeline.quantity(id, patient, MAYO, "CCPQ", "0.45", "nmol/L", pipeline.classifierNow().toString())
                .replace("\"subject\"", "\"performer\":[{\"reference\":\"" + clinician + "\"}],\"subject\"");
    }

    /** US Core smoking status: current every day smoker (SNOMED CT 449868002), ten days before the result. */
    private static void recordCurrentSmoker(String patient) throws Exception {
        Observation smoking = new Observation().setStatus(Observation.ObservationStatus.FINAL)
                .setCode(new CodeableConcept(new Coding("http://loinc.org", "72166-2", "Tobacco smoking status")))
                .setSubject(new Reference(patient))
                .setEffective(new DateTimeType(Date.from(pipeline.classifierNow().minus(10, ChronoUnit.DAYS))))
                .setValue(new CodeableConcept(new Coding("http://snomed.info/sct", "449868002", "Smokes tobacco daily")));
        smoking.addCategory(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/observation-category", "social-history", null)));
        pipeline.ehr.create().resource(smoking).execute();
    }
}
