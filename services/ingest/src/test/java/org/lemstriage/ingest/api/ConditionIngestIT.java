package org.lemstriage.ingest.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.lemstriage.ingest.Samples;
import org.lemstriage.model.Topics;
import org.lemstriage.model.event.EventJson;
import org.lemstriage.testsupport.KafkaBroker;
import org.lemstriage.testsupport.KafkaBrokerResource;
import org.lemstriage.testsupport.SenderTokens;
import org.lemstriage.testsupport.TopicProbe;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * Ingest takes Conditions (a recorded LEMS diagnosis, for seronegative LEMS) as it takes Observations,
 * with tokens required: over REST, in Bundles and through {@code $import}, with the same validation and a scope of
 * their own; only LEMS diagnoses are published.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@TestProfile(AuthenticationIT.TokensRequired.class)
class ConditionIngestIT {
    private static final String FHIR_JSON = "application/fhir+json";
    private static final String BOTH = "system/Observation.write system/Condition.write";

    @Test
    void aLemsDiagnosisIsPublishedAndAnotherConditionIsAcknowledgedOnly() throws Exception {
        String patient = "Patient/dx-" + UUID.randomUUID();
        try (TopicProbe probe = TopicProbe.fromNow(KafkaBroker.bootstrapServers(), Topics.LAB_OBSERVATION)) {
            given().auth().oauth2(SenderTokens.token("ehr", BOTH)).contentType(FHIR_JSON)
                    .body(Samples.lemsDiagnosis("dx-1", patient, "confirmed")).when().post("/fhir/Condition")
                    .then().statusCode(201).body("issue[0].diagnostics", containsString("Lambert-Eaton"));
            List<ConsumerRecord<String, String>> seen = probe.pollUntil(r -> patient.equals(r.key()), Duration.ofSeconds(10));
            JsonNode value = EventJson.mapper().readTree(seen.get(0).value());
            assertThat(value.get("analyte").asText()).isEqualTo("LEMS_DIAGNOSIS");
            assertThat(value.get("resourceType").asText()).isEqualTo("Condition");
            assertThat(value.get("observationId").asText()).isEqualTo("dx-1");
            assertThat(value.get("status").asText()).isEqualTo("final");
            long before = probe.endOffsetSum();
            given().auth().oauth2(SenderTokens.token("ehr", BOTH)).contentType(FHIR_JSON)
                    .body(Samples.lemsDiagnosis("dx-2", patient, "confirmed").replace("G70.80", "E11.9")).when().put("/fhir/Condition/dx-2")
                    .then().statusCode(200).body("issue[0].severity", equalTo("information"));
            assertThat(probe.endOffsetSum()).as("an untracked diagnosis is not published").isEqualTo(before);
        }
    }

    @Test
    void aConditionIsValidatedAsAnObservationIsAndNamesTheElement() {
        String noSubject = Samples.lemsDiagnosis("dx-3", "Patient/x", "confirmed").replace("\"subject\":{\"reference\":\"Patient/x\"},", "");
        given().auth().oauth2(SenderTokens.token("ehr", BOTH)).contentType(FHIR_JSON).body(noSubject).when().post("/fhir/Condition")
                .then().statusCode(422).body("issue[0].expression[0]", equalTo("Condition.subject"));
        String badStatus = Samples.lemsDiagnosis("dx-4", "Patient/x", "maybe");
        given().auth().oauth2(SenderTokens.token("ehr", BOTH)).contentType(FHIR_JSON).body(badStatus).when().post("/fhir/Condition")
                .then().statusCode(422).body("resourceType", equalTo("OperationOutcome"));
        given().auth().oauth2(SenderTokens.token("ehr", BOTH)).when().delete("/fhir/Condition/dx-4")
                .then().statusCode(405).body("issue[0].expression[0]", equalTo("Condition.verificationStatus"));
    }

    @Test
    void conditionsNeedTheirOwnScopeWhereverTheyCome() {
        String patient = "Patient/dx-" + UUID.randomUUID();
        String observationsOnly = SenderTokens.token("lab-engine", "system/Observation.write");
        try (TopicProbe probe = TopicProbe.fromNow(KafkaBroker.bootstrapServers(), Topics.LAB_OBSERVATION)) {
            long before = probe.endOffsetSum();
            given().auth().oauth2(observationsOnly).contentType(FHIR_JSON).body(Samples.lemsDiagnosis("dx-5", patient, "confirmed"))
                    .when().post("/fhir/Condition")
                    .then().statusCode(403).header("WWW-Authenticate", containsString("system/Condition.write"));
            String batch = """
                    {"resourceType":"Bundle","type":"batch","entry":[
                     {"resource":%s,"request":{"method":"POST","url":"Condition"}}]}
                    """.formatted(Samples.lemsDiagnosis("dx-6", patient, "confirmed"));
            given().auth().oauth2(observationsOnly).contentType(FHIR_JSON).body(batch).when().post("/fhir")
                    .then().statusCode(200).body("entry[0].response.status", equalTo("403 Forbidden"));
            assertThat(probe.endOffsetSum()).as("nothing published without the scope").isEqualTo(before);
            // With it, the same entry, and a line of $import, are published
            given().auth().oauth2(SenderTokens.token("ehr", BOTH)).contentType(FHIR_JSON).body(batch).when().post("/fhir")
                    .then().statusCode(200).body("entry[0].response.status", equalTo("201 Created"));
            String line = Samples.lemsDiagnosis("dx-7", patient, "confirmed").replaceAll("\\s*\\n\\s*", "");
            given().urlEncodingEnabled(false).auth().oauth2(SenderTokens.token("ehr", BOTH)).contentType("application/fhir+ndjson")
                    .body((line + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8))
                    .when().post("/fhir/$import").then().statusCode(200)
                    .body("parameter.find { it.name == 'line' }.part.find { it.name == 'status' }.valueString", equalTo("201 Created"));
            List<ConsumerRecord<String, String>> seen = probe.pollUntil(r -> patient.equals(r.key()) && r.value().contains("\"dx-7\""),
                    Duration.ofSeconds(10));
            assertThat(seen.stream().filter(r -> patient.equals(r.key())).map(ConsumerRecord::value))
                    .anySatisfy(v -> assertThat(v).contains("\"dx-6\"")).anySatisfy(v -> assertThat(v).contains("\"dx-7\""));
        }
    }
}
