package org.lemstriage.ingest.api;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.lemstriage.ingest.Samples;
import org.lemstriage.model.Topics;
import org.lemstriage.model.event.EventJson;
import org.lemstriage.model.fhir.Fhir;
import org.lemstriage.testsupport.SubscriptionNotifications;
import org.lemstriage.testsupport.EhrSandboxResource;
import org.lemstriage.testsupport.EhrSandboxes;
import org.lemstriage.testsupport.KafkaBroker;
import org.lemstriage.testsupport.KafkaBrokerResource;
import org.lemstriage.testsupport.TopicProbe;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

/**
 * The Subscriptions Backport IG rest-hook endpoint over HTTP, with the real broker and the EHR sandbox (read for
 * id-only payloads).
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(EhrSandboxResource.class)
class SubscriptionNotificationIT {
    private static final String FHIR_JSON = "application/fhir+json";
    private static final String PATH = "/fhir/subscription-notification";
    private static final String SUBSCRIPTION = "https://ehr.example.org/fhir/Subscription/lab-results";

    /** A notification Bundle of {@link #SUBSCRIPTION}: the SubscriptionStatus, then the entries; an event per focus. */
    private static String notification(String type, List<String> focuses, String entries) {
        return SubscriptionNotifications.of(type, SUBSCRIPTION, focuses, entries);
    }

    private static String fullEntry(String fullUrl, String resource) {
        return ",{\"fullUrl\":\"" + fullUrl + "\",\"resource\":" + resource + "}";
    }

    @Test
    void handshakeAndHeartbeatAreAnsweredAndPublishNothing() {
        try (TopicProbe probe = TopicProbe.fromNow(KafkaBroker.bootstrapServers(), Topics.LAB_OBSERVATION)) {
            long before = probe.endOffsetSum();
            for (String type : List.of("handshake", "heartbeat")) {
                given().contentType(FHIR_JSON).body(notification(type, List.of(), "")).when().post(PATH)
                        .then().statusCode(200).body("issue[0].diagnostics", containsString(type));
            }
            assertThat(probe.endOffsetSum()).isEqualTo(before);
        }
    }

    @Test
    void aLemsDiagnosisAsTheFocusIsPublishedToo() throws Exception {
        // An EHR's subscription on Condition tells lems-triage of a seronegative LEMS diagnosis
        String patient = "Patient/sub-" + UUID.randomUUID();
        String focus = "https://ehr.example.org/fhir/Condition/sub-dx-1";
        try (TopicProbe probe = TopicProbe.fromNow(KafkaBroker.bootstrapServers(), Topics.LAB_OBSERVATION)) {
            given().contentType(FHIR_JSON)
                    .body(notification("event-notification", List.of(focus), fullEntry(focus, Samples.lemsDiagnosis("sub-dx-1", patient, "confirmed"))))
                    .when().post(PATH).then().statusCode(200).body("issue[0].diagnostics", containsString("1 tracked results published"));
            List<ConsumerRecord<String, String>> seen = probe.pollUntil(r -> patient.equals(r.key()), Duration.ofSeconds(10));
            assertThat(EventJson.mapper().readTree(seen.get(0).value()).get("analyte").asText()).isEqualTo("LEMS_DIAGNOSIS");
        }
    }

    @Test
    void fullResourceEventsArePublishedKeyedByPatient() throws Exception {
        String patient = "Patient/sub-" + UUID.randomUUID();
        String routine = Samples.vgcc("sodium-1", patient, "http://loinc.org", "2951-2", "140", "mmol/L");
        String focus1 = "https://ehr.example.org/fhir/Observation/sub-vgcc-1";
        String focus2 = "https://ehr.example.org/fhir/Observation/sodium-1";
        try (TopicProbe probe = TopicProbe.fromNow(KafkaBroker.bootstrapServers(), Topics.LAB_OBSERVATION)) {
            given().contentType(FHIR_JSON)
                    .body(notification("event-notification", List.of(focus1, focus2),
                            fullEntry(focus1, Samples.mayoVgcc("sub-vgcc-1", patient, "0.45")) + fullEntry(focus2, routine)))
                    .when().post(PATH)
                    .then().statusCode(200).body("issue[0].diagnostics", containsString("2 lab results or diagnoses, 1 tracked results published"));
            List<ConsumerRecord<String, String>> seen = probe.pollUntil(r -> patient.equals(r.key()), Duration.ofSeconds(10));
            assertThat(seen).hasSize(1);
            assertThat(EventJson.mapper().readTree(seen.get(0).value()).get("observationId").asText()).isEqualTo("sub-vgcc-1");
        }
    }

    @Test
    void idOnlyEventsAreReadFromTheEhrBeforeIngest() throws Exception {
        String base = EhrSandboxes.shared().baseUrl();
        IGenericClient ehr = Fhir.r4().newRestfulGenericClient(base);
        String patientId = "sub-" + UUID.randomUUID().toString().substring(0, 8);
        Patient patient = new Patient();
        patient.setId(patientId);
        patient.addName().setFamily("Synthetic");
        ehr.update().resource(patient).execute();
        Observation observation = Fhir.r4().newJsonParser().parseResource(Observation.class,
                Samples.mayoVgcc(patientId + "-vgcc", "Patient/" + patientId, "0.45"));
        ehr.update().resource(observation).execute();
        String focus = base + "/Observation/" + patientId + "-vgcc";
        try (TopicProbe probe = TopicProbe.fromNow(KafkaBroker.bootstrapServers(), Topics.LAB_OBSERVATION)) {
            // id-only: the entry carries the fullUrl and no resource
            given().contentType(FHIR_JSON).body(notification("event-notification", List.of(focus), ",{\"fullUrl\":\"" + focus + "\"}"))
                    .when().post(PATH).then().statusCode(200);
            var seen = probe.pollUntil(r -> ("Patient/" + patientId).equals(r.key()), Duration.ofSeconds(10));
            var value = EventJson.mapper().readTree(seen.get(seen.size() - 1).value());
            assertThat(value.get("observationId").asText()).isEqualTo(patientId + "-vgcc");
            assertThat(value.get("analyte").asText()).isEqualTo("VGCC_PQ");
        }
    }

    @Test
    void aFocusMissingFromTheEhrOrOnAnotherServerIs422AndNothingIsPublished() {
        String base = EhrSandboxes.shared().baseUrl();
        String patient = "Patient/sub-" + UUID.randomUUID();
        String present = "https://ehr.example.org/fhir/Observation/sub-ok";
        try (TopicProbe probe = TopicProbe.fromNow(KafkaBroker.bootstrapServers(), Topics.LAB_OBSERVATION)) {
            // The first event is fine; the second cannot be read: the notification is refused whole
            given().contentType(FHIR_JSON).body(notification("event-notification", List.of(present, base + "/Observation/no-such-result"),
                            fullEntry(present, Samples.mayoVgcc("sub-ok", patient, "0.45"))))
                    .when().post(PATH).then().statusCode(422)
                    .body("issue.expression.flatten()", hasItem("Bundle.entry[0].resource.parameter.where(name='notification-event')[1]"));
            given().contentType(FHIR_JSON).body(notification("event-notification", List.of("https://elsewhere.example.com/fhir/Observation/1"), ""))
                    .when().post(PATH).then().statusCode(422).body("issue[0].diagnostics", containsString("not on the configured EHR"));
            assertThat(probe.pollFor(Duration.ofSeconds(1))).noneMatch(r -> patient.equals(r.key()));
        }
    }

    @Test
    void theEhrsOwnAnswerIsNotEchoedToTheSenderOnlyItsStatus() {
        // The EHR's error body may carry what it knows (ids, its software); the sender gets the status
        String base = EhrSandboxes.shared().baseUrl();
        String answer = given().contentType(FHIR_JSON).body(notification("event-notification", List.of(base + "/Observation/no-such-result"), ""))
                .when().post(PATH).then().statusCode(422).extract().asString();
        assertThat(answer).contains("404").doesNotContain("HAPI-", "is not known");
        assertThat(answer.split("OperationOutcome", -1)).as("only our own OperationOutcome, not the EHR's inside it").hasSize(2);
    }

    @Test
    void anEventEntryWithNeitherFullUrlNorResourceIs400NamingTheEntry() {
        // Not a 500 (a NullPointerException), which the EHR would resend forever
        given().contentType(FHIR_JSON).body(notification("event-notification", List.of(), ",{\"search\":{\"mode\":\"match\"}}"))
                .when().post(PATH).then().statusCode(400).body("resourceType", equalTo("OperationOutcome"))
                .body("issue[0].expression[0]", equalTo("Bundle.entry[1]"));
    }

    @Test
    void anInvalidFocusResourceIsRefusedWithItsElementNamed() {
        String focus = "https://ehr.example.org/fhir/Observation/sub-bad";
        String noStatus = Samples.mayoVgcc("sub-bad", "Patient/sub-bad", "0.45").replace("\"status\":\"final\",", "");
        given().contentType(FHIR_JSON).body(notification("event-notification", List.of(focus), fullEntry(focus, noStatus)))
                .when().post(PATH).then().statusCode(422).body("issue[0].expression[0]", equalTo("Bundle.entry[1].resource.status"));
    }

    @Test
    void aBundleThatIsNotANotificationIs400() {
        given().contentType(FHIR_JSON).body(notification("heartbeat", List.of(), "").replace("\"history\"", "\"collection\""))
                .when().post(PATH).then().statusCode(400).body("issue[0].expression[0]", equalTo("Bundle.type"));
        given().contentType(FHIR_JSON).body(notification("wave", List.of(), ""))
                .when().post(PATH).then().statusCode(400)
                .body("issue[0].expression[0]", equalTo("Bundle.entry[0].resource.parameter.where(name='type')"));
    }

    @Test
    void anEhrThatCannotBeReadIs503SoTheNotificationIsSentAgain() throws Exception {
        String focus = EhrSandboxes.shared().baseUrl() + "/Observation/sub-paused";
        EhrSandboxes.shared().pause();
        try {
            given().contentType(FHIR_JSON).body(notification("event-notification", List.of(focus), ""))
                    .when().post(PATH).then().statusCode(503).header("Retry-After", equalTo("10"));
        } finally {
            EhrSandboxes.shared().resume();
        }
    }
}
