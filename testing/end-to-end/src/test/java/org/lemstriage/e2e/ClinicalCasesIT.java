package org.lemstriage.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.lemstriage.testsupport.BrokerAndSandbox;

import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A subset of the clinical cases through the whole pipeline, against the EHR sandbox's seed patients (their clinical
 * context is in stand-ins/ehr-sandbox/src/main/resources/seed): HTTP in, real broker, the EHR read for DELTA-P, Tasks
 * and the classifier's triage view read back over HTTP.
 */
@BrokerAndSandbox
class ClinicalCasesIT {
    private static Pipeline pipeline;

    @BeforeAll
    static void start(BrokerAndSandbox.Infrastructure infrastructure) throws Exception {
        pipeline = Pipeline.get(infrastructure);
    }

    @Test
    void seedSmokerWithWeightLossIsHighAndUrgent() throws Exception {
        // lt-p001: born 1958, daily smoker, 82.0 -> 76.5 kg in six months: DELTA-P 3
        String patient = "Patient/lt-p001";
        assertThat(pipeline.postObservation(Pipeline.quantity("e2e-high-" + UUID.randomUUID(), patient,
                "https://www.mayocliniclabs.com/test-catalog", "CCPQ", "0.45", "nmol/L")).statusCode()).isEqualTo(201);
        Task task = Pipeline.await(() -> pipeline.tasks(patient, "requested"), t -> !t.isEmpty()).get(0);
        assertThat(task.getPriority()).isEqualTo(Task.TaskPriority.URGENT);
        assertThat(task.getDescription()).contains("Tier HIGH", "VGCC-PQ-DELTA-P-HIGH@1", "current smoker", "weight down 6.7 %");
        // HIGH: now, 3 and 6 months, then every 6 months to 2 years (scenario 8: the last round at 24 months)
        List<Task> later = pipeline.tasks(patient, "on-hold");
        assertThat(later).hasSize(5);
        java.time.LocalDate first = java.time.LocalDate.ofInstant(task.getRestriction().getPeriod().getStart().toInstant(), java.time.ZoneOffset.UTC);
        assertThat(later).extracting(t -> java.time.Period.between(first, java.time.LocalDate.ofInstant(
                t.getRestriction().getPeriod().getStart().toInstant(), java.time.ZoneOffset.UTC)).toTotalMonths()).contains(24L);
    }

    @Test
    void sox1PositiveIsHigh() throws Exception {
        String patient = "Patient/lt-p007";
        assertThat(pipeline.postObservation(Pipeline.sox1Positive("e2e-sox1-" + UUID.randomUUID(), patient,
                "2026-11-02T09:30:00Z")).statusCode()).isEqualTo(201);
        Task task = Pipeline.await(() -> pipeline.tasks(patient, "requested"), t -> !t.isEmpty()).get(0);
        assertThat(task.getPriority()).isEqualTo(Task.TaskPriority.URGENT);
        assertThat(task.getDescription()).contains("SOX1-POSITIVE@1");
    }

    @Test
    void knownSmallCellLungCancerGetsNoTaskAndTheViewSaysWhy() throws Exception {
        // lt-p006 has an active small-cell carcinoma of lung on the EHR
        String patient = "Patient/lt-p006";
        assertThat(pipeline.postObservation(Pipeline.quantity("e2e-sclc-" + UUID.randomUUID(), patient,
                "https://www.mayocliniclabs.com/test-catalog", "CCPQ", "0.45", "nmol/L")).statusCode()).isEqualTo(201);
        JsonNode view = Pipeline.await(() -> pipeline.view(patient), v -> v.path("history").toString().contains("NO_SCREENING"));
        assertThat(view.get("screening").asBoolean()).isFalse();
        assertThat(view.get("explanation").asText()).contains("KNOWN-LUNG-CANCER@3", "Condition/lt-p006-sclc");
        assertThat(pipeline.tasks(patient, "requested")).isEmpty();
    }

    @Test
    void anEquivocalArupResultGetsOneTaskToRepeatTheTestAndNoRounds() throws Exception {
        // EQUIVOCAL-REPEAT@1: an equivocal result is never silent
        String patient = "Patient/lt-p002";
        String id = "e2e-equivocal-" + UUID.randomUUID();
        assertThat(pipeline.postObservation(Pipeline.quantity(id, patient,
                "https://ltd.aruplab.com/Tests/Pub", "0092628", "35", "pmol/L")).statusCode()).isEqualTo(201);
        Task repeat = Pipeline.await(() -> pipeline.asks(patient, "requested", "repeat-antibody-test"), t -> !t.isEmpty()).get(0);
        assertThat(repeat.getDescription()).contains("Please repeat or confirm", "P/Q-type VGCC", "ARUP's indeterminate band",
                "EQUIVOCAL-REPEAT@1");
        assertThat(repeat.getPriority()).isEqualTo(Task.TaskPriority.ROUTINE);
        JsonNode view = pipeline.view(patient);
        assertThat(view.at("/results/0/reading").asText()).isEqualTo("EQUIVOCAL");
        assertThat(view.get("tier").asText()).isEqualTo("NONE");
        assertThat(pipeline.rounds(patient, "requested")).as("no rounds").isEmpty();
        assertThat(pipeline.rounds(patient, "on-hold")).isEmpty();
        assertThat(pipeline.episodeRequest(patient).getStatus()).as("the CT is only proposed").isEqualTo(ServiceRequest.ServiceRequestStatus.DRAFT);
    }

    @Test
    void aLowTitreWithoutALemsDiagnosisGetsOneConfirmationTaskAndNoImaging() throws Exception {
        // LOW-TITRE-CONFIRM@1: Mayo 0.05 nmol/L, in Zalewski 2016's low band; no LEMS diagnosis on record
        String patient = pipeline.newPatient("1960-04-02", Enumerations.AdministrativeGender.MALE);
        assertThat(pipeline.postObservation(Pipeline.quantity("e2e-low-" + UUID.randomUUID(), patient,
                "https://www.mayocliniclabs.com/test-catalog", "CCPQ", "0.05", "nmol/L", pipeline.classifierNow().toString()))
                .statusCode()).isEqualTo(201);
        Task confirm = Pipeline.await(() -> pipeline.asks(patient, "requested", "confirm-lems-low-titre"), t -> !t.isEmpty()).get(0);
        assertThat(confirm.getDescription()).contains("low titre", "Zalewski 2016", "373066001", "LOW-TITRE-CONFIRM@1");
        assertThat(pipeline.rounds(patient, "requested")).isEmpty();
        assertThat(pipeline.rounds(patient, "on-hold")).as("no imaging rounds until LEMS is confirmed").isEmpty();
        assertThat(pipeline.episodeRequest(patient).getStatus()).isEqualTo(ServiceRequest.ServiceRequestStatus.DRAFT);
    }

    @Test
    void aChildGetsTheirPlanWrittenOnHoldAndOneClinicianDecisionTaskNamingTheDose() throws Exception {
        // IMAGING-HOLD-CHILD@1: 15 at the result; SOX1 positive (HIGH)
        String born = pipeline.classifierNow().atZone(ZoneOffset.UTC).toLocalDate().minusYears(15).toString();
        String patient = pipeline.newPatient(born, Enumerations.AdministrativeGender.FEMALE);
        assertThat(pipeline.postObservation(Pipeline.sox1Positive("e2e-child-" + UUID.randomUUID(), patient,
                pipeline.classifierNow().toString())).statusCode()).isEqualTo(201);
        assertHeldForADecision(patient, "IMAGING-HOLD-CHILD@1", "was 15");
    }

    @Test
    void aPregnancyGetsThePlanWrittenOnHoldAndOneClinicianDecisionTask() throws Exception {
        // IMAGING-HOLD-PREGNANCY@1: an active pregnancy Condition (ICD-10-CM Z33.1) on the EHR
        String patient = pipeline.newPatient("1990-06-15", Enumerations.AdministrativeGender.FEMALE);
        Condition pregnancy = new Condition().setSubject(new Reference(patient))
                .setCode(new CodeableConcept(new Coding("http://hl7.org/fhir/sid/icd-10-cm", "Z33.1", "Pregnant state, incidental")));
        pregnancy.setClinicalStatus(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/condition-clinical", "active", null)));
        pregnancy.setVerificationStatus(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/condition-ver-status", "confirmed", null)));
        pipeline.ehr.create().resource(pregnancy).execute();
        assertThat(pipeline.postObservation(Pipeline.quantity("e2e-pregnant-" + UUID.randomUUID(), patient,
                "https://www.mayocliniclabs.com/test-catalog", "CCPQ", "0.45", "nmol/L", pipeline.classifierNow().toString()))
                .statusCode()).isEqualTo(201);
        assertHeldForADecision(patient, "IMAGING-HOLD-PREGNANCY@1", "current pregnancy");
    }

    /** Every round written and held (its Task and orders on hold), one imaging-decision Task, nothing released. */
    private static void assertHeldForADecision(String patient, String rule, String why) throws Exception {
        Task decide = Pipeline.await(() -> pipeline.asks(patient, "requested", "imaging-decision"), t -> !t.isEmpty()).get(0);
        assertThat(decide.getDescription()).contains(why, "mSv", "373066001", rule);
        assertThat(decide.getPriority()).as("HIGH: the whole plan waits on it").isEqualTo(Task.TaskPriority.URGENT);
        List<Task> held = Pipeline.await(() -> pipeline.rounds(patient, "on-hold"), t -> t.size() == 6);
        assertThat(held).hasSize(6);
        assertThat(pipeline.rounds(patient, "requested")).as("no round released").isEmpty();
        ServiceRequest episode = pipeline.episodeRequest(patient);
        assertThat(episode.getStatus()).isEqualTo(ServiceRequest.ServiceRequestStatus.ONHOLD);
        Bundle orders = pipeline.ehr.search().forResource(ServiceRequest.class).cacheControl(Pipeline.FRESH)
                .where(ServiceRequest.PATIENT.hasId(patient)).count(50).returnBundle(Bundle.class).execute();
        assertThat(orders.getEntry()).extracting(e -> ((ServiceRequest) e.getResource()).getStatus())
                .as("the episode and every CT and PET order").hasSize(13).containsOnly(ServiceRequest.ServiceRequestStatus.ONHOLD);
        JsonNode episodeView = pipeline.view(patient).path("episode");
        assertThat(episodeView.path("hold").asText()).isEqualTo("CLINICIAN_DECISION");
        assertThat(episodeView.path("requests").findValuesAsText("kind")).contains("IMAGING_DECISION");
    }

    @Test
    void ruleset2ReadsLabcorpByItsOwnLimitKeepsAFlaggedIndeterminateEquivocalAndReadsPicomolar() throws Exception {
        // Scenario 3. lt-p010: Labcorp 25 pmol/L without range or flag, then ARUP 35 pmol/L flagged H: no rounds (the
        // equivocal one gets a Task to repeat the test)
        String quiet = "Patient/lt-p010";
        assertThat(pipeline.postObservation(Pipeline.quantity("e2e-labcorp-" + UUID.randomUUID(), quiet,
                "https://www.labcorp.com/tests", "140640", "25", "pmol/L")).statusCode()).isEqualTo(201);
        String flagged = Pipeline.quantity("e2e-flagged-" + UUID.randomUUID(), quiet, "https://ltd.aruplab.com/Tests/Pub",
                "0092628", "35", "pmol/L").replace("\"valueQuantity\"",
                "\"interpretation\":[{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation\",\"code\":\"H\"}]}],\"valueQuantity\"");
        assertThat(pipeline.postObservation(flagged).statusCode()).isEqualTo(201);
        JsonNode view = Pipeline.await(() -> pipeline.view(quiet), v -> v.path("results").size() == 2);
        assertThat(view.findValuesAsText("reading")).containsExactlyInAnyOrder("NEGATIVE", "EQUIVOCAL");
        assertThat(view.toString()).contains("Labcorp's own limit", "the lab's flag H does not make it positive");
        assertThat(view.get("tier").asText()).isEqualTo("NONE");
        // lt-p011: 60 pM, as UK labs write it, is 60 pmol/L: positive, and a low titre a clinician confirms first
        String patient = "Patient/lt-p011";
        String picomolar = Pipeline.quantity("e2e-pm-" + UUID.randomUUID(), patient, "https://ltd.aruplab.com/Tests/Pub",
                "0092628", "60", "pM").replace(",\"system\":\"http://unitsofmeasure.org\",\"code\":\"pM\"", "");
        assertThat(pipeline.postObservation(picomolar).statusCode()).isEqualTo(201);
        Task task = Pipeline.await(() -> pipeline.asks(patient, "requested", "confirm-lems-low-titre"), t -> !t.isEmpty()).get(0);
        assertThat(task.getDescription()).contains("0.06 nmol/L");
        assertThat(pipeline.episodeRequest(patient).getNoteFirstRep().getText()).contains("0.06 nmol/L (60 pM)", "Ruleset 3.0");
        assertThat(pipeline.rounds(quiet, "requested")).isEmpty();
        assertThat(pipeline.asks(quiet, "requested", "repeat-antibody-test")).hasSize(1);
    }

    @Test
    void aThreeYearOldPositiveSentThroughImportOpensOneClinicianReviewAndNoRounds() throws Exception {
        // Scenario 5. lt-p012: a backfill; rounds planned from 2023 would all be overdue at once
        String patient = "Patient/lt-p012";
        String old = Pipeline.quantity("e2e-import-" + UUID.randomUUID(), patient,
                "https://www.mayocliniclabs.com/test-catalog", "CCPQ", "0.45", "nmol/L")
                .replace("2026-11-02T09:30:00Z", "2023-11-02T09:30:00Z").replaceAll("\\s*\\n\\s*", "");
        var imported = pipeline.postImport(old + "\n");
        assertThat(imported.statusCode()).as(imported.body()).isEqualTo(200);
        Task review = Pipeline.await(() -> pipeline.tasks(patient, "requested"), t -> !t.isEmpty()).get(0);
        assertThat(review.getCode().getCodingFirstRep().getCode()).isEqualTo("clinician-review");
        assertThat(review.getDescription()).contains("dated 2023-11-02", "OLD-RESULT-REVIEW@1");
        assertThat(pipeline.tasks(patient, "on-hold")).as("no screening rounds").isEmpty();
        assertThat(pipeline.tasks(patient, "requested")).as("one review Task").hasSize(1);
    }

    @Test
    void theClinicianWhoOrderedAPositiveResultIsSentTheSameExplanation() throws Exception {
        // lt-p009's antibody order (seed: ServiceRequest/lt-order-p009) was requested by Practitioner/lt-dr-01
        String patient = "Patient/lt-p009";
        String ordered = Pipeline.quantity("e2e-ordered-" + UUID.randomUUID(), patient, "https://www.mayocliniclabs.com/test-catalog",
                "CCPQ", "0.45", "nmol/L").replace("\"subject\"", "\"basedOn\":[{\"reference\":\"ServiceRequest/lt-order-p009\"}],\"subject\"");
        assertThat(pipeline.postObservation(ordered).statusCode()).isEqualTo(201);
        Task task = Pipeline.await(() -> pipeline.rounds(patient, "requested"), t -> !t.isEmpty()).get(0);
        var notices = Pipeline.await(() -> pipeline.ehr.search().forResource(org.hl7.fhir.r4.model.Communication.class)
                .cacheControl(Pipeline.FRESH).where(org.hl7.fhir.r4.model.Communication.RECIPIENT.hasId("Practitioner/lt-dr-01"))
                .and(org.hl7.fhir.r4.model.Communication.SUBJECT.hasId(patient))
                .returnBundle(org.hl7.fhir.r4.model.Bundle.class).execute().getEntry(), e -> !e.isEmpty());
        var notice = (org.hl7.fhir.r4.model.Communication) notices.get(0).getResource();
        assertThat(notices).hasSize(1);
        assertThat(notice.getSubject().getReference()).isEqualTo(patient);
        assertThat(notice.getPayloadFirstRep().getContentStringType().getValue()).contains("For a result you ordered",
                "VGCC-PQ-DELTA-P-", "current smoker");
        assertThat(task.getDescription()).contains("current smoker");
    }

    @Test
    void aLemsDiagnosisWithANegativeAntibodyOpensSurveillanceForASeronegativePatient() throws Exception {
        // Scenario 2. lt-p017: 65, a current smoker; the EHR sends the LEMS diagnosis, the lab a negative P/Q result
        String patient = "Patient/lt-p017";
        String diagnosis = """
                {"resourceType":"Condition","id":"e2e-dx-%s",
                 "verificationStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-ver-status","code":"confirmed"}]},
                 "code":{"coding":[{"system":"http://hl7.org/fhir/sid/icd-10-cm","code":"G70.80"}]},
                 "subject":{"reference":"%s"},"onsetDateTime":"2026-11-02"}
                """.formatted(UUID.randomUUID(), patient);
        assertThat(pipeline.postObservation(Pipeline.quantity("e2e-seroneg-" + UUID.randomUUID(), patient,
                "https://www.mayocliniclabs.com/test-catalog", "CCPQ", "0.00", "nmol/L")).statusCode()).isEqualTo(201);
        var answer = pipeline.postCondition(diagnosis);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
        Task task = Pipeline.await(() -> pipeline.rounds(patient, "requested"), t -> !t.isEmpty()).get(0);
        // Age and smoking with four items unknown could make it 3: the HIGH schedule, and a Task for them
        assertThat(task.getDescription()).contains("seronegative LEMS", "LEMS-DIAGNOSIS-DELTA-P-INCOMPLETE@1",
                "current smoker", "age 65");
        assertThat(pipeline.rounds(patient, "on-hold")).as("two years of rounds").hasSize(5);
        assertThat(pipeline.asks(patient, "requested", "record-delta-p-items")).singleElement()
                .satisfies(t -> assertThat(t.getDescription()).contains("bulbar involvement", "karnofsky below 70"));
    }

    @Test
    void enteredInErrorCancelsTheEpisodesTasks() throws Exception {
        String patient = "Patient/lt-p008";
        String id = "e2e-retract-" + UUID.randomUUID();
        String positive = Pipeline.quantity(id, patient, "https://www.mayocliniclabs.com/test-catalog", "CCPQ", "0.45", "nmol/L");
        assertThat(pipeline.postObservation(positive).statusCode()).isEqualTo(201);
        Pipeline.await(() -> pipeline.tasks(patient, "requested"), t -> !t.isEmpty());
        String withdrawn = positive.replace("\"status\":\"final\"", "\"meta\":{\"versionId\":\"2\"},\"status\":\"entered-in-error\"");
        assertThat(pipeline.postObservation(withdrawn).statusCode()).isEqualTo(201);
        List<Task> cancelled = Pipeline.await(() -> pipeline.tasks(patient, "cancelled"), t -> !t.isEmpty());
        assertThat(cancelled.get(0).getStatusReason().getText()).contains("withdrawn");
        assertThat(pipeline.tasks(patient, "requested")).isEmpty();
    }

    @Test
    void serviceLogsCarryIdsAndReasonsNeverPatientValues() throws Exception {
        // lt-p005: born 1962-05-09; a positive result travels the whole pipeline, then the logs are read
        String patient = "Patient/lt-p005";
        assertThat(pipeline.postObservation(Pipeline.quantity("e2e-logs-" + UUID.randomUUID(), patient,
                "https://www.mayocliniclabs.com/test-catalog", "CCPQ", "0.73", "nmol/L")).statusCode()).isEqualTo(201);
        Pipeline.await(() -> pipeline.tasks(patient, "requested"), t -> !t.isEmpty());
        java.nio.file.Path logs = org.lemstriage.testsupport.Fixtures.repositoryRoot().resolve("testing/end-to-end/target/e2e-logs");
        for (String service : List.of("ingest", "classifier", "notifier")) {
            String log = java.nio.file.Files.readString(logs.resolve(service + ".log"));
            assertThat(log).as(service + " log").isNotEmpty()
                    .doesNotContain("0.73", "nmol/L", "1962-05-09", "1958-03-14", "tier HIGH", "tier INTERMEDIATE", "tier LOW");
        }
    }
}
