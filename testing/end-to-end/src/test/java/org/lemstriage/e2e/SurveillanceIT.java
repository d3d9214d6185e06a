package org.lemstriage.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.hl7.fhir.r4.model.Annotation;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.CommunicationRequest;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.lemstriage.model.fhir.EhrIdentifiers;
import org.lemstriage.testsupport.BrokerAndSandbox;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The surveillance, followed to its end through the whole pipeline (ingest, the real broker, the EHR):
 * the classifier's test clock is moved forward by months, and the oncology team's part (a round completed, a tumour
 * recorded) is played on the EHR's FHIR API. The clock is shared by every test of this JVM, so this class runs last
 * ({@code junit-platform.properties}), and each test dates its results at the classifier's "now".
 */
@BrokerAndSandbox
@Order(Integer.MAX_VALUE)
class SurveillanceIT {
    private static final String MAYO = "https://www.mayocliniclabs.com/test-catalog";
    private static Pipeline pipeline;

    @BeforeAll
    static void start(BrokerAndSandbox.Infrastructure infrastructure) throws Exception {
        pipeline = Pipeline.get(infrastructure);
    }

    @Test
    void aTumourRecordedAtMonthTwoEndsTheSurveillanceAndNoLaterRoundIsReleased() throws Exception {
        // Scenario 1. lt-p013: SOX1 positive, HIGH whatever the DELTA-P score: rounds at 0, 3, 6, 12, 18, 24 months
        String patient = "Patient/lt-p013";
        assertThat(pipeline.postObservation(Pipeline.sox1Positive("e2e-surv-sox1-" + UUID.randomUUID(), patient,
                pipeline.classifierNow().toString())).statusCode()).isEqualTo(201);
        Task round1 = Pipeline.await(() -> pipeline.tasks(patient, "requested"), t -> !t.isEmpty()).get(0);
        String responsible = pipeline.newPractitioner();
        pipeline.assignResponsible(patient, responsible);
        complete(round1);
        // By month 2 the EHR records a confirmed, active small-cell lung cancer
        String condition = recordCondition(patient, "254632001", "confirmed");
        pipeline.advanceClassifierClock("P60D");
        Task closing = Pipeline.await(() -> closingTask(patient), t -> t != null);
        assertThat(closing.getCode().getCodingFirstRep().getCode()).isEqualTo("screening-ended-tumour-recorded");
        assertThat(closing.getReasonReference().getReference()).isEqualTo(condition);
        assertThat(closing.getDescription()).contains("Screening ended", condition, "TUMOUR-RECORDED@2");
        List<Task> cancelled = pipeline.tasks(patient, "cancelled");
        assertThat(cancelled).as("rounds 2 to 6, never taken up").hasSize(5)
                .allSatisfy(t -> assertThat(t.getStatusReason().getText()).contains("Screening ended", condition));
        // Month 3 and later: nothing is released
        pipeline.advanceClassifierClock("P40D");
        Thread.sleep(3_000);
        assertThat(pipeline.tasks(patient, "on-hold")).isEmpty();
        assertThat(pipeline.tasks(patient, "requested")).as("only the closing Task").hasSize(1);
        assertThat(pipeline.episodeRequest(patient).getStatus()).isEqualTo(ServiceRequest.ServiceRequestStatus.REVOKED);
        assertThat(pipeline.view(patient).path("episode").path("closure").path("reason").asText()).isEqualTo("TUMOUR_RECORDED");
        // The clinician responsible was told once, about the closing Task; the patient was reminded of round 1 only
        assertThat(pipeline.notices(patient)).hasSize(1).allSatisfy((event, message) -> {
            assertThat(event).startsWith("closed/");
            assertThat(message.getRecipient()).extracting(Reference::getReference).containsExactly(responsible);
            assertThat(message.getPayloadFirstRep().getContentStringType().getValue()).contains("tumour", condition);
            assertThat(message.getAbout()).extracting(r -> r.getReferenceElement().getIdPart()).contains(closing.getIdElement().getIdPart());
        });
        assertThat(pipeline.reminders(patient).values()).singleElement().satisfies(reminder -> {
            assertThat(reminder.getIdentifierFirstRep().getValue()).endsWith("/round-1/reminder/released");
            assertThat(reminder.getStatus()).as("not sent by the portal: revoked when the screening ended")
                    .isEqualTo(CommunicationRequest.CommunicationRequestStatus.REVOKED);
        });
    }

    @Test
    void aRoundWhoseWindowPassesStillRequestedIsOverdueRaisedAndTheWorklistTold() throws Exception {
        // Scenario 6. lt-p014: P/Q positive, 63, DELTA-P items unknown that could make it 3: HIGH schedule, urgent
        String patient = "Patient/lt-p014";
        assertThat(pipeline.postObservation(Pipeline.quantity("e2e-surv-overdue-" + UUID.randomUUID(), patient, MAYO, "CCPQ",
                "0.45", "nmol/L", pipeline.classifierNow().toString())).statusCode()).isEqualTo(201);
        Task round1 = Pipeline.await(() -> pipeline.rounds(patient, "requested"), t -> !t.isEmpty()).get(0);
        assertThat(round1.getPriority()).isEqualTo(Task.TaskPriority.URGENT);
        String responsible = pipeline.newPractitioner();
        pipeline.assignResponsible(patient, responsible);
        pipeline.advanceClassifierClock("P35D");
        Task overdue = Pipeline.await(() -> pipeline.rounds(patient, "requested"),
                t -> !t.isEmpty() && t.get(0).getPriority() == Task.TaskPriority.ASAP).get(0);
        assertThat(overdue.getIdElement().getIdPart()).isEqualTo(round1.getIdElement().getIdPart());
        assertThat(overdue.getNote()).extracting(Annotation::getText)
                .anySatisfy(n -> assertThat(n).contains("Overdue", "round 1", "priority raised to asap"));
        assertThat(overdue.getDescription()).contains("ROUND-OVERDUE@1");
        assertThat(pipeline.view(patient).path("episode").path("rounds").get(0).path("state").asText()).isEqualTo("OVERDUE");
        assertThat(pipeline.view(patient).path("episode").path("overdue").toString()).isEqualTo("[1]");
        // The patient: reminded when round 1 was released and once more now; the clinician responsible: told once
        Map<String, CommunicationRequest> reminders = Pipeline.await(() -> pipeline.reminders(patient), r -> r.size() == 2);
        assertThat(reminders.keySet()).allSatisfy(id -> assertThat(id).matches(".*/round-1/reminder/(released|overdue)"));
        assertThat(reminders.values()).filteredOn(r -> r.getIdentifierFirstRep().getValue().endsWith("overdue")).singleElement()
                .satisfies(r -> assertThat(r.getPayloadFirstRep().getContentStringType().getValue()).contains("late", "Check 1 of"));
        assertThat(pipeline.notices(patient)).containsOnlyKeys("round-1/overdue").allSatisfy((event, message) ->
                assertThat(message.getRecipient()).extracting(Reference::getReference).containsExactly(responsible));
    }

    @Test
    void everyRoundCompletedEndsWithOneClosingReviewAndAResendOpensNothing() throws Exception {
        // Scenario 7. lt-p015: 47, DELTA-P items unknown (the HIGH schedule), rounds at 0, 3, 6, 12, 18 and 24 months,
        // each completed by the team in turn
        String patient = "Patient/lt-p015";
        String observation = Pipeline.quantity("e2e-surv-complete-" + UUID.randomUUID(), patient, MAYO, "CCPQ", "0.45",
                "nmol/L", pipeline.classifierNow().toString());
        assertThat(pipeline.postObservation(observation).statusCode()).isEqualTo(201);
        complete(Pipeline.await(() -> pipeline.rounds(patient, "requested"), t -> !t.isEmpty()).get(0));
        String responsible = pipeline.newPractitioner();
        pipeline.assignResponsible(patient, responsible);
        for (int round = 2; round <= 6; round++) {
            pipeline.advanceClassifierClock(round == 2 ? "P95D" : round == 3 ? "P92D" : "P185D");
            int n = round;
            Task due = Pipeline.await(() -> pipeline.rounds(patient, "requested"), t -> !t.isEmpty()).get(0);
            assertThat(due.getIdentifierFirstRep().getValue()).as("round " + n + " released").endsWith("/round-" + n);
            complete(due);
        }
        pipeline.advanceClassifierClock("P1D");
        Task closing = Pipeline.await(() -> closingTask(patient), t -> t != null);
        assertThat(closing.getCode().getCodingFirstRep().getCode()).isEqualTo("surveillance-complete");
        assertThat(closing.getDescription()).contains("Two-year surveillance complete", "years later");
        assertThat(pipeline.episodeRequest(patient).getStatus()).isEqualTo(ServiceRequest.ServiceRequestStatus.COMPLETED);
        assertThat(pipeline.rounds(patient, "completed")).hasSize(6);
        assertThat(pipeline.view(patient).path("episode").path("status").asText()).isEqualTo("CLOSED");
        assertThat(pipeline.view(patient).path("episode").path("closure").path("reason").asText()).isEqualTo("SURVEILLANCE_COMPLETE");
        assertThat(pipeline.reminders(patient)).as("one per round released").hasSize(6);
        assertThat(pipeline.notices(patient)).hasSize(1).allSatisfy((event, message) -> {
            assertThat(message.getPayloadFirstRep().getContentStringType().getValue()).contains("surveillance is complete");
            assertThat(message.getRecipient()).extracting(Reference::getReference).contains(responsible);
            assertThat(message.getAbout()).extracting(r -> r.getReferenceElement().getIdPart()).as("the closing review Task")
                    .contains(closing.getIdElement().getIdPart());
        });
        // The same result sent again, then a negative N-type result on the same partition, which proves it was read
        assertThat(pipeline.postObservation(observation).statusCode()).isEqualTo(201);
        assertThat(pipeline.postObservation(Pipeline.quantity("e2e-surv-n-" + UUID.randomUUID(), patient, MAYO, "CCN",
                "0.01", "nmol/L", pipeline.classifierNow().toString())).statusCode()).isEqualTo(201);
        JsonNode view = Pipeline.await(() -> pipeline.view(patient), v -> v.path("results").size() == 2);
        JsonNode history = view.path("history");
        assertThat(history.get(history.size() - 1).path("action").asText()).as("nothing after the closing").isEqualTo("CLOSE");
        assertThat(pipeline.tasks(patient, "requested")).as("only the closing Task").hasSize(1);
    }

    @Test
    void aDifferentialLungCancerDoesNotStopScreeningAndItsRefutationChangesNothing() throws Exception {
        // Scenario 4. lt-p016: a lung cancer under consideration (differential) when the P/Q result arrives
        String patient = "Patient/lt-p016";
        String condition = recordCondition(patient, "254632001", "differential");
        assertThat(pipeline.postObservation(Pipeline.quantity("e2e-surv-differential-" + UUID.randomUUID(), patient, MAYO,
                "CCPQ", "0.45", "nmol/L", pipeline.classifierNow().toString())).statusCode()).isEqualTo(201);
        Task round1 = Pipeline.await(() -> pipeline.rounds(patient, "requested"), t -> !t.isEmpty()).get(0);
        int onHold = pipeline.rounds(patient, "on-hold").size();
        assertThat(onHold).as("surveillance opened").isGreaterThanOrEqualTo(4);
        // Later the work-up refutes it: the surveillance goes on unchanged
        Condition refuted = pipeline.ehr.read().resource(Condition.class).withId(condition).execute();
        refuted.getVerificationStatus().getCodingFirstRep().setCode("refuted");
        pipeline.ehr.update().resource(refuted).execute();
        pipeline.advanceClassifierClock("P1D");
        Thread.sleep(3_000);
        assertThat(pipeline.rounds(patient, "requested")).extracting(t -> t.getIdElement().getIdPart())
                .containsExactly(round1.getIdElement().getIdPart());
        assertThat(pipeline.rounds(patient, "on-hold")).hasSize(onHold);
        assertThat(pipeline.rounds(patient, "cancelled")).isEmpty();
    }

    @Test
    void aRoundsCtRecordedNegativeOnItsTaskOrdersThatRoundsFdgPet() throws Exception {
        // FDG-PET. lt-p018: P/Q positive; each round has its own CT and PET order
        String patient = "Patient/lt-p018";
        assertThat(pipeline.postObservation(Pipeline.quantity("e2e-surv-pet-" + UUID.randomUUID(), patient, MAYO, "CCPQ",
                "0.45", "nmol/L", pipeline.classifierNow().toString())).statusCode()).isEqualTo(201);
        Task round1 = Pipeline.await(() -> pipeline.rounds(patient, "requested"), t -> !t.isEmpty()).get(0);
        String episode = round1.getGroupIdentifier().getValue();
        ServiceRequest ct = pipeline.ehr.read().resource(ServiceRequest.class).withId(round1.getFocus().getReferenceElement()).execute();
        assertThat(ct.getIdentifierFirstRep().getValue()).isEqualTo(EhrIdentifiers.ctOrder(episode, 1));
        assertThat(ct.getStatus()).isEqualTo(ServiceRequest.ServiceRequestStatus.ACTIVE);
        assertThat(order(episode, EhrIdentifiers.petOrder(episode, 1)).getStatus()).isEqualTo(ServiceRequest.ServiceRequestStatus.ONHOLD);
        String responsible = pipeline.newPractitioner();
        pipeline.assignResponsible(patient, responsible);
        // The team takes the round up and records the CT as negative on the round's Task, as the worklist would
        Task withResult = round1.copy().setStatus(Task.TaskStatus.INPROGRESS);
        withResult.addOutput().setType(new CodeableConcept(new Coding("http://loinc.org", "24627-2", "CT Chest")))
                .setValue(new CodeableConcept(new Coding("http://snomed.info/sct", "260385009", "Negative")));
        pipeline.ehr.update().resource(withResult).execute();
        pipeline.advanceClassifierClock("P1D");
        ServiceRequest pet = Pipeline.await(() -> order(episode, EhrIdentifiers.petOrder(episode, 1)),
                o -> o.getStatus() == ServiceRequest.ServiceRequestStatus.ACTIVE);
        assertThat(pet.getCode().getCodingFirstRep().getCode()).as("FDG-PET/CT (ruleset 3.0)").isEqualTo("443271005");
        assertThat(pet.getNote()).extracting(Annotation::getText).anySatisfy(n -> assertThat(n).contains("FDG-PET-AFTER-NEGATIVE-CT@1"));
        assertThat(order(episode, EhrIdentifiers.petOrder(episode, 2)).getStatus()).as("round 2's CT is not done yet")
                .isEqualTo(ServiceRequest.ServiceRequestStatus.ONHOLD);
        assertThat(pipeline.tasks(patient, "in-progress")).as("the team's Task is left as they left it").singleElement()
                .satisfies(t -> assertThat(t.getOutput()).hasSize(1));
        assertThat(pipeline.view(patient).path("episode").path("rounds").get(0).path("petOrdered").asBoolean()).isTrue();
        assertThat(pipeline.notices(patient)).containsOnlyKeys("round-1/pet-ordered").allSatisfy((event, message) -> {
            assertThat(message.getRecipient()).extracting(Reference::getReference).containsExactly(responsible);
            assertThat(message.getAbout()).extracting(r -> r.getReferenceElement().getIdPart()).contains(round1.getIdElement().getIdPart());
        });
    }

    @Test
    void aKeratinocyteSkinCancerRecordedDuringSurveillanceKeepsItRunning() throws Exception {
        // The tumour must fit: a basal cell carcinoma of skin (ICD-10-CM C44.91) neither ends the surveillance nor
        // asks anything
        String patient = pipeline.newPatient("1956-02-20", Enumerations.AdministrativeGender.MALE);
        assertThat(pipeline.postObservation(Pipeline.sox1Positive("e2e-surv-skin-" + UUID.randomUUID(), patient,
                pipeline.classifierNow().toString())).statusCode()).isEqualTo(201);
        Task round1 = Pipeline.await(() -> pipeline.rounds(patient, "requested"), t -> !t.isEmpty()).get(0);
        recordCondition(patient, "http://hl7.org/fhir/sid/icd-10-cm", "C44.91", "confirmed");
        pipeline.advanceClassifierClock("P1D");
        // The classifier read the EHR after the skin cancer was recorded, and decided on it
        Instant readFrom = pipeline.classifierNow();
        Pipeline.await(() -> pipeline.view(patient), v -> !v.path("contextReadAt").isMissingNode()
                && !v.path("contextReadAt").isNull() && !Instant.parse(v.path("contextReadAt").asText()).isBefore(readFrom));
        Thread.sleep(2_000); // a decision it made goes through the notifier
        assertThat(closingTask(patient)).as("no closing Task").isNull();
        assertThat(pipeline.rounds(patient, "requested")).extracting(t -> t.getIdElement().getIdPart())
                .containsExactly(round1.getIdElement().getIdPart());
        assertThat(pipeline.rounds(patient, "on-hold")).hasSize(5);
        assertThat(pipeline.tasks(patient, "cancelled")).isEmpty();
        assertThat(pipeline.episodeRequest(patient).getStatus()).isEqualTo(ServiceRequest.ServiceRequestStatus.ACTIVE);
    }

    @Test
    void aTumourRecordEnteredInErrorReopensTheSurveillanceItClosedOnItsOriginalSchedule() throws Exception {
        // TUMOUR-WITHDRAWN-REOPEN@1: SOX1 positive (HIGH); an SCLC is recorded, then marked entered in error
        String patient = pipeline.newPatient("1952-09-30", Enumerations.AdministrativeGender.MALE);
        assertThat(pipeline.postObservation(Pipeline.sox1Positive("e2e-surv-reopen-" + UUID.randomUUID(), patient,
                pipeline.classifierNow().toString())).statusCode()).isEqualTo(201);
        Task round1 = Pipeline.await(() -> pipeline.rounds(patient, "requested"), t -> !t.isEmpty()).get(0);
        complete(round1);
        String condition = recordCondition(patient, "http://snomed.info/sct", "254632001", "confirmed");
        pipeline.advanceClassifierClock("P1D");
        Pipeline.await(() -> closingTask(patient), t -> t != null);
        assertThat(pipeline.rounds(patient, "cancelled")).as("rounds 2 to 6").hasSize(5);
        Condition withdrawn = pipeline.ehr.read().resource(Condition.class).withId(condition).execute();
        withdrawn.getVerificationStatus().getCodingFirstRep().setCode("entered-in-error");
        pipeline.ehr.update().resource(withdrawn).execute();
        pipeline.advanceClassifierClock("P1D");
        Task reopened = Pipeline.await(() -> pipeline.asks(patient, "requested", "surveillance-reopened"), t -> !t.isEmpty()).get(0);
        assertThat(reopened.getDescription()).contains("Surveillance reopened", condition, "entered-in-error", "TUMOUR-WITHDRAWN-REOPEN@1");
        List<Task> waiting = Pipeline.await(() -> pipeline.rounds(patient, "on-hold"), t -> t.size() == 5);
        assertThat(waiting).extracting(t -> t.getIdentifierFirstRep().getValue())
                .allSatisfy(id -> assertThat(id).matches(".*/round-[2-6]"));
        assertThat(waiting).allSatisfy(t -> assertThat(t.hasStatusReason()).isFalse());
        assertThat(pipeline.rounds(patient, "cancelled")).isEmpty();
        assertThat(pipeline.rounds(patient, "completed")).singleElement()
                .satisfies(t -> assertThat(t.getIdElement().getIdPart()).isEqualTo(round1.getIdElement().getIdPart()));
        assertThat(closingTask(patient)).as("the closing Task is withdrawn").isNull();
        assertThat(pipeline.episodeRequest(patient).getStatus()).isEqualTo(ServiceRequest.ServiceRequestStatus.ACTIVE);
        assertThat(pipeline.view(patient).path("episode").path("status").asText()).isNotEqualTo("CLOSED");
    }

    /** One of an episode's round orders, by business identifier, read fresh. */
    private static ServiceRequest order(String episode, String identifier) {
        Bundle found = pipeline.ehr.search().forResource(ServiceRequest.class).cacheControl(Pipeline.FRESH)
                .where(ServiceRequest.IDENTIFIER.exactly().systemAndCode(EhrIdentifiers.ORDER, identifier))
                .returnBundle(Bundle.class).execute();
        assertThat(found.getEntry()).as(identifier).hasSize(1);
        return (ServiceRequest) found.getEntryFirstRep().getResource();
    }

    /** The oncology team completes a round, as the worklist would. */
    private static void complete(Task task) {
        pipeline.ehr.update().resource(task.copy().setStatus(Task.TaskStatus.COMPLETED)).execute();
    }

    /** A small-cell lung cancer Condition (SNOMED CT), active, with the verification status given; returns its reference. */
    private static String recordCondition(String patient, String snomed, String verification) {
        return recordCondition(patient, "http://snomed.info/sct", snomed, verification);
    }

    /** A Condition coded {@code system|code}, active, with the verification status given; returns its reference. */
    private static String recordCondition(String patient, String system, String code, String verification) {
        Condition condition = new Condition().setSubject(new Reference(patient)).setCode(new CodeableConcept(new Coding(system, code, null)));
        condition.setClinicalStatus(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/condition-clinical", "active", null)));
        condition.setVerificationStatus(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/condition-ver-status", verification, null)));
        condition.setRecordedDateElement(new org.hl7.fhir.r4.model.DateTimeType(java.util.Date.from(Instant.now())));
        return "Condition/" + pipeline.ehr.create().resource(condition).execute().getId().getIdPart();
    }

    private static Task closingTask(String patient) {
        return pipeline.tasks(patient, "requested").stream()
                .filter(t -> EhrIdentifiers.CLOSING.equals(t.getIdentifierFirstRep().getSystem())).findFirst().orElse(null);
    }
}
