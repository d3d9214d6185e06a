package org.lemstriage.classifier.kafka;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.lemstriage.classifier.Results;
import org.lemstriage.classifier.api.PatientTriageResource;
import org.lemstriage.model.Topics;
import org.lemstriage.model.event.DeltaPItem;
import org.lemstriage.model.event.EventJson;
import org.lemstriage.model.event.LabResult;
import org.lemstriage.model.event.TriageDecision;
import org.lemstriage.testsupport.EhrSandboxResource;
import org.lemstriage.testsupport.EhrSandboxes;
import org.lemstriage.testsupport.KafkaBroker;
import org.lemstriage.testsupport.KafkaBrokerResource;
import org.lemstriage.testsupport.SenderTokens;
import org.lemstriage.testsupport.SenderTokensResource;
import org.lemstriage.testsupport.TopicProbe;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.hamcrest.Matchers.containsString;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.startsWith;

/**
 * The classifier against the real broker (exactly_once_v2; decisions read as a read_committed consumer would) and
 * the EHR sandbox over HTTP for the clinical context. The seed patient lt-p001 is 68, a daily smoker who lost
 * 6.7 % of his weight: DELTA-P 3.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(EhrSandboxResource.class)
@QuarkusTestResource(SenderTokensResource.class)
class ClassifierIT {
    /** What a reader of the triage view (a console, an operator) is given by the hospital's authorization server. */
    private static final String READER = SenderTokens.token("oncology-console", "openid " + PatientTriageResource.READ_SCOPE);
    private KafkaProducer<String, String> producer;

    @BeforeEach
    void connect() {
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers()),
                new StringSerializer(), new StringSerializer());
    }

    @AfterEach
    void close() {
        producer.close();
    }

    @Test
    void contextFromTheEhrMakesASeedPatientHigh() throws Exception {
        String patient = "Patient/lt-p001";
        TriageDecision decision = decisionFor(patient, Results.vgcc(patient, "obs-" + UUID.randomUUID(), "0.45", "final"));
        assertThat(decision.action()).isEqualTo(TriageDecision.Action.OPEN);
        assertThat(decision.context()).isEqualTo(TriageDecision.ContextStatus.AVAILABLE);
        assertThat(decision.tier()).isEqualTo(TriageDecision.Tier.HIGH);
        assertThat(decision.deltaPScore()).isEqualTo(3);
        assertThat(decision.deltaP()).filteredOn(i -> i.value() == DeltaPItem.Presence.PRESENT)
                .extracting(DeltaPItem::source).contains("Patient/lt-p001.birthDate", "Observation/lt-p001-smoking");

        given().auth().oauth2(READER).when().get("/patients/" + patient + "/triage").then().statusCode(200)
                .body("tier", equalTo("HIGH")).body("context", equalTo("AVAILABLE"))
                .body("history.action", hasItem("OPEN"));
    }

    @Test
    void patientUnknownToTheEhrIsDecidedOnTheAntibodiesAloneAndOnlyOnce() throws Exception {
        String patient = "Patient/cl-" + UUID.randomUUID();
        LabResult result = Results.vgcc(patient, "obs-" + UUID.randomUUID(), "0.45", "final");
        try (TopicProbe probe = TopicProbe.fromNow(KafkaBroker.bootstrapServers(), Topics.TRIAGE_DECISION)) {
            send(result);
            send(result); // resent
            TriageDecision decision = EventJson.mapper().readValue(
                    probe.awaitRecord(r -> patient.equals(r.key()), Duration.ofSeconds(60)).value(), TriageDecision.class);
            assertThat(decision.context()).isEqualTo(TriageDecision.ContextStatus.UNAVAILABLE);
            // Unknown items never lower the tier (the HIGH schedule), and no round is released before the EHR says
            // who the patient is
            assertThat(decision.tier()).isEqualTo(TriageDecision.Tier.HIGH);
            assertThat(decision.rulesFired()).contains("VGCC-PQ-DELTA-P-INCOMPLETE@1");
            assertThat(decision.plan()).allSatisfy(r -> assertThat(r.state()).isEqualTo(TriageDecision.RoundState.PLANNED));
            assertThat(decision.explanation()).contains("the EHR answered 404");
            assertThat(probe.pollFor(Duration.ofSeconds(3))).noneMatch(r -> patient.equals(r.key()));
        }
    }

    @Test
    void anUnreadableResultIsParkedWithItsReasonAndThePartitionMovesOn() throws Exception {
        String patient = "Patient/cl-" + UUID.randomUUID();
        String unreadable = "{\"patientKey\": \"" + patient + "\", \"analyte\": \"not-an-analyte\"";
        try (TopicProbe deadLetters = TopicProbe.fromNow(KafkaBroker.bootstrapServers(), Topics.LAB_OBSERVATION_DLQ);
             TopicProbe decisions = TopicProbe.fromNow(KafkaBroker.bootstrapServers(), Topics.TRIAGE_DECISION)) {
            producer.send(new ProducerRecord<>(Topics.LAB_OBSERVATION, patient, unreadable)).get();
            send(Results.vgcc(patient, "obs-" + UUID.randomUUID(), "0.45", "final"));

            ConsumerRecord<String, String> parked = deadLetters.awaitRecord(r -> patient.equals(r.key()), Duration.ofSeconds(60));
            assertThat(parked.value()).as("parked as it was").isEqualTo(unreadable);
            assertThat(header(parked, "dead-letter-reason")).contains(Topics.LAB_OBSERVATION, "LabResult")
                    .doesNotContain("not-an-analyte");
            assertThat(header(parked, "dead-letter-topic")).isEqualTo(Topics.LAB_OBSERVATION);
            // The next record of the same patient, on the same partition, is decided
            decisions.awaitRecord(r -> patient.equals(r.key()), Duration.ofSeconds(60));
        }
        // On-call sees it: the dead-letter counter of the topic, and the decision by action and tier
        given().when().get("/q/metrics").then().statusCode(200)
                .body(containsString("lemstriage_dead_letters_total{service=\"classifier\",topic=\"" + Topics.LAB_OBSERVATION_DLQ + "\"}"))
                .body(containsString("lemstriage_decisions_total{action=\"OPEN\",service=\"classifier\",tier="));
    }

    /**
     * A result the triage cannot apply (no analyte), and a record whose key names another patient, are parked on
     * lab.observation.dlq with the failure's kind, in the same transaction as their offsets; the stream goes on, the
     * next patient is decided, and the classifier stays live.
     */
    @Test
    void aResultTheTriageCannotApplyIsParkedAndTheNextPatientIsDecided() throws Exception {
        String poisoned = "Patient/cl-poison-" + UUID.randomUUID();
        String next = "Patient/cl-next-" + UUID.randomUUID();
        String noAnalyte = "{\"patientKey\":\"" + poisoned + "\",\"observationId\":\"o-1\",\"status\":\"final\","
                + "\"quantity\":{\"value\":0.45,\"unit\":\"nmol/L\"}}";
        String otherKey = EventJson.mapper().writeValueAsString(Results.vgcc("Patient/cl-someone-else", "o-2", "0.45", "final"));
        try (TopicProbe deadLetters = TopicProbe.fromNow(KafkaBroker.bootstrapServers(), Topics.LAB_OBSERVATION_DLQ);
             TopicProbe decisions = TopicProbe.fromNow(KafkaBroker.bootstrapServers(), Topics.TRIAGE_DECISION)) {
            producer.send(new ProducerRecord<>(Topics.LAB_OBSERVATION, poisoned, noAnalyte)).get();
            producer.send(new ProducerRecord<>(Topics.LAB_OBSERVATION, poisoned + "-mismatch", otherKey)).get();
            send(Results.vgcc(next, "obs-" + UUID.randomUUID(), "0.45", "final"));

            var parked = deadLetters.awaitEach(Duration.ofSeconds(60), r -> poisoned.equals(r.key()), r -> (poisoned + "-mismatch").equals(r.key()));
            ConsumerRecord<String, String> unprocessable = parked.get(0);
            assertThat(header(unprocessable, "dead-letter-reason")).startsWith("unprocessable: ").doesNotContain("0.45");
            assertThat(header(unprocessable, "dead-letter-offset")).isNotBlank();
            ConsumerRecord<String, String> mismatch = parked.get(1);
            assertThat(header(mismatch, "dead-letter-reason")).startsWith("key-mismatch");
            decisions.awaitRecord(r -> next.equals(r.key()), Duration.ofSeconds(60));
        }
        given().when().get("/q/health/live").then().statusCode(200);
    }

    /**
     * A context request that is not JSON, and one the reader cannot handle (a key that is no FHIR id), are parked on
     * triage.context-request.dlq with their reasons; the channel stays up, and the next positive is decided on the
     * EHR's context. Neither the health answer nor the reason carries the key.
     */
    @Test
    void aContextRequestTheReaderCannotHandleIsParkedAndTheNextPositiveStillGetsItsContext() throws Exception {
        String hostile = "Patient/SECX<img src=x onerror=alert(101)>" + UUID.randomUUID();
        String unreadable = "Patient/cl-garbage-" + UUID.randomUUID();
        String request = "{\"patientKey\":\"" + hostile + "\",\"requestId\":\"r-" + UUID.randomUUID() + "\"}";
        try (TopicProbe deadLetters = TopicProbe.fromNow(KafkaBroker.bootstrapServers(), Topics.CONTEXT_REQUEST_DLQ)) {
            producer.send(new ProducerRecord<>(Topics.CONTEXT_REQUEST, unreadable, "{not json")).get();
            producer.send(new ProducerRecord<>(Topics.CONTEXT_REQUEST, hostile, request)).get();
            var both = deadLetters.awaitEach(Duration.ofSeconds(60), r -> unreadable.equals(r.key()), r -> hostile.equals(r.key()));
            ConsumerRecord<String, String> garbage = both.get(0);
            assertThat(garbage.value()).as("parked as it came").isEqualTo("{not json");
            assertThat(header(garbage, "dead-letter-reason")).contains("not ContextRequest JSON");
            ConsumerRecord<String, String> parked = both.get(1);
            assertThat(header(parked, "dead-letter-reason")).isEqualTo("context-read-failed: IllegalArgumentException");
        }
        TriageDecision decision = decisionFor("Patient/lt-p001", Results.vgcc("Patient/lt-p001", "obs-" + UUID.randomUUID(), "0.45", "final"));
        assertThat(decision.context()).isEqualTo(TriageDecision.ContextStatus.AVAILABLE);
        given().when().get("/q/health/live").then().statusCode(200).body(org.hamcrest.Matchers.not(containsString("SECX")));
        given().when().get("/q/health/ready").then().statusCode(200);
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        var header = record.headers().lastHeader(name);
        assertThat(header).as("header %s", name).isNotNull();
        return new String(header.value(), java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void unknownPatientIs404() {
        given().auth().oauth2(READER).when().get("/patients/Patient/nobody-" + UUID.randomUUID() + "/triage").then().statusCode(404);
    }

    @Test
    void theTriageViewNeedsATokenWithTheReadScopeAndSaysNothingWithoutOne() {
        // The view is patient data (tier, antibody value, age, history), and its 404 would say who was tested
        String known = "Patient/lt-p001";
        String unknown = "Patient/nobody-" + UUID.randomUUID();
        for (String patient : new String[]{known, unknown}) {
            given().when().get("/patients/" + patient + "/triage").then().statusCode(401)
                    .header("WWW-Authenticate", startsWith("Bearer"));
            given().auth().oauth2(SenderTokens.token("lab-engine", "system/Observation.write")).when()
                    .get("/patients/" + patient + "/triage").then().statusCode(403);
            given().auth().oauth2(SenderTokens.untrusted("oncology-console", PatientTriageResource.READ_SCOPE)).when()
                    .get("/patients/" + patient + "/triage").then().statusCode(401);
            given().auth().oauth2(SenderTokens.withScopeClaim("oncology-console", List.of(PatientTriageResource.READ_SCOPE)))
                    .when().get("/patients/" + patient + "/triage").then().statusCode(lessThan(500));
        }
        given().auth().oauth2(READER).when().get("/patients/" + unknown + "/triage").then().statusCode(404);
    }

    @Test
    void aSlowEhrStillGivesConcurrentPositivesTheirContextWithinTheHold() throws Exception {
        // With the EHR at 0.5 s a call (a context is four or five calls), eight positives at once get their context
        // within the 10 s hold. Read one at a time, they would queue for about 20 s, and those past the hold would be
        // decided without context, then rewritten by an UPDATE
        List<String> patients = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Patient patient = new Patient().setBirthDateElement(new DateType("1958-03-01"))
                    .setGender(Enumerations.AdministrativeGender.MALE);
            patient.setId("cl-slow-" + UUID.randomUUID());
            EhrSandboxes.shared().store().update(patient);
            patients.add("Patient/" + patient.getIdPart());
        }
        var faults = EhrSandboxes.shared().faults();
        try (TopicProbe probe = TopicProbe.fromNow(KafkaBroker.bootstrapServers(), Topics.TRIAGE_DECISION)) {
            faults.delayEvery(Duration.ofMillis(500));
            for (String patient : patients) {
                send(Results.vgcc(patient, "obs-" + UUID.randomUUID(), "0.45", "final"));
            }
            Map<String, TriageDecision> decided = new HashMap<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (decided.size() < patients.size() && System.nanoTime() < deadline) {
                for (var r : probe.pollFor(Duration.ofMillis(500))) {
                    if (patients.contains(r.key())) {
                        decided.putIfAbsent(r.key(), EventJson.mapper().readValue(r.value(), TriageDecision.class));
                    }
                }
            }
            assertThat(decided).hasSize(patients.size());
            assertThat(decided.values()).extracting(TriageDecision::context).containsOnly(TriageDecision.ContextStatus.AVAILABLE);
        } finally {
            faults.clear();
        }
    }

    @Test
    void readyOnceStreamsRunsAndCountsRecords() {
        given().when().get("/q/health/ready").then().statusCode(200);
        given().when().get("/q/metrics").then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString("lemstriage_records_in_total{service=\"classifier\"}"));
    }

    private TriageDecision decisionFor(String patient, LabResult result) throws Exception {
        try (TopicProbe probe = TopicProbe.fromNow(KafkaBroker.bootstrapServers(), Topics.TRIAGE_DECISION)) {
            send(result);
            return EventJson.mapper().readValue(
                    probe.awaitRecord(r -> patient.equals(r.key()), Duration.ofSeconds(60)).value(), TriageDecision.class);
        }
    }

    private void send(LabResult result) throws Exception {
        producer.send(new ProducerRecord<>(Topics.LAB_OBSERVATION, result.patientKey(),
                EventJson.mapper().writeValueAsString(result))).get();
    }
}
