package org.lemstriage.ingest.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.lemstriage.model.Topics;
import org.lemstriage.model.event.EventJson;
import org.lemstriage.testsupport.KafkaBroker;
import org.lemstriage.testsupport.KafkaBrokerResource;
import org.lemstriage.testsupport.TopicProbe;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

/** {@code POST /fhir} with Bundles, over HTTP, onto the real broker. */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
class BundleIngestIT {
    private static final String FHIR_JSON = "application/fhir+json";

    private static String observation(String id, String subject, String status, String contained) {
        return """
                {"resourceType":"Observation","id":"%s",%s"status":"%s",
                 "code":{"coding":[{"system":"https://www.mayocliniclabs.com/test-catalog","code":"CCPQ"}]},
                 "subject":{"reference":"%s"},"effectiveDateTime":"2026-11-02T09:30:00Z",
                 "valueQuantity":{"value":0.45,"unit":"nmol/L","system":"http://unitsofmeasure.org","code":"nmol/L"}}
                """.formatted(id, contained, status, subject);
    }

    private static String entry(String resource, String method, String url) {
        return "{\"resource\":" + resource + ",\"request\":{\"method\":\"" + method + "\",\"url\":\"" + url + "\"}}";
    }

    @Test
    void batchIsAnsweredEntryByEntry() throws Exception {
        String patient = "Patient/batch-" + UUID.randomUUID();
        String routine = """
                {"resourceType":"Observation","id":"b-routine","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"718-7"}]},
                 "subject":{"reference":"%s"},"valueQuantity":{"value":13.2,"unit":"g/dL","system":"http://unitsofmeasure.org","code":"g/dL"}}
                """.formatted(patient);
        String bundle = "{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":[" + String.join(",",
                entry(observation("b-1", patient, "final", ""), "POST", "Observation"),
                entry(routine, "POST", "Observation"),
                entry(observation("b-3", patient, "final", "").replace("\"status\":\"final\",", ""), "POST", "Observation"))
                + "]}";
        try (TopicProbe probe = TopicProbe.fromNow(KafkaBroker.bootstrapServers(), Topics.LAB_OBSERVATION)) {
            given().contentType(FHIR_JSON).body(bundle).when().post("/fhir").then().statusCode(200)
                    .body("type", equalTo("batch-response"))
                    .body("entry.response.status", contains("201 Created", "200 OK", "422 Unprocessable Entity"))
                    .body("entry[2].response.outcome.issue[0].expression[0]", equalTo("Bundle.entry[2].resource.status"));
            List<ConsumerRecord<String, String>> seen = probe.pollFor(Duration.ofSeconds(2));
            assertThat(seen).filteredOn(r -> patient.equals(r.key())).hasSize(1);
        }
    }

    @Test
    void transactionPublishesEveryResultInOneKafkaTransactionWithPatientsFromTheBundle() throws Exception {
        String mrn = "MRN-" + UUID.randomUUID();
        String patientEntry = "{\"fullUrl\":\"urn:uuid:0f6c3b0e-1111-4aaa-8bbb-000000000001\",\"resource\":{\"resourceType\":\"Patient\","
                + "\"identifier\":[{\"system\":\"urn:hospital:mrn\",\"value\":\"" + mrn + "\"}]},\"request\":{\"method\":\"POST\",\"url\":\"Patient\"}}";
        String contained = "\"contained\":[{\"resourceType\":\"Patient\",\"id\":\"p\",\"identifier\":[{\"system\":\"urn:hospital:mrn\",\"value\":\"" + mrn + "\"}]}],";
        String bundle = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[" + String.join(",", patientEntry,
                entry(observation("t-1", "urn:uuid:0f6c3b0e-1111-4aaa-8bbb-000000000001", "final", ""), "POST", "Observation"),
                entry(observation("t-2", "#p", "final", contained), "PUT", "Observation/t-2")) + "]}";
        String key = "identifier:urn:hospital:mrn|" + mrn;
        try (TopicProbe probe = TopicProbe.fromNow(KafkaBroker.bootstrapServers(), Topics.LAB_OBSERVATION)) {
            given().contentType(FHIR_JSON).body(bundle).when().post("/fhir").then().statusCode(200)
                    .body("type", equalTo("transaction-response"))
                    .body("entry.response.status", contains("200 OK", "201 Created", "201 Created"));
            List<ConsumerRecord<String, String>> seen = probe.pollFor(Duration.ofSeconds(3));
            assertThat(seen).as("both, committed, keyed by the patient's identifier").filteredOn(r -> key.equals(r.key()))
                    .extracting(r -> observationId(r)).containsExactlyInAnyOrder("t-1", "t-2");
        }
    }

    @Test
    void transactionWithOneBadEntryPublishesNothing() {
        String patient = "Patient/tx-" + UUID.randomUUID();
        String bundle = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[" + String.join(",",
                entry(observation("x-1", patient, "final", ""), "POST", "Observation"),
                entry(observation("x-2", patient, "final", "").replace("\"status\":\"final\",", ""), "POST", "Observation")) + "]}";
        try (TopicProbe probe = TopicProbe.fromNow(KafkaBroker.bootstrapServers(), Topics.LAB_OBSERVATION)) {
            long before = probe.endOffsetSum();
            given().contentType(FHIR_JSON).body(bundle).when().post("/fhir").then().statusCode(422)
                    .body("resourceType", equalTo("OperationOutcome"))
                    .body("issue[0].expression[0]", equalTo("Bundle.entry[1].resource.status"));
            assertThat(probe.endOffsetSum()).as("nothing written").isEqualTo(before);
        }
    }

    @Test
    void searchsetBundleIs400NamingBundleType() {
        given().contentType(FHIR_JSON).body("{\"resourceType\":\"Bundle\",\"type\":\"searchset\"}").when().post("/fhir")
                .then().statusCode(400).body("issue[0].expression[0]", equalTo("Bundle.type"));
    }

    private static String observationId(ConsumerRecord<String, String> record) {
        try {
            JsonNode value = EventJson.mapper().readTree(record.value());
            return value.get("observationId").asText();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
