package org.lemstriage.ingest.api;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;
import org.lemstriage.ingest.Samples;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

/** Ingest with no broker to talk to: it still starts, refuses with 503 and Retry-After, and says it is not ready. */
@QuarkusTest
@TestProfile(KafkaUnavailableIT.NoBroker.class)
class KafkaUnavailableIT {

    public static class NoBroker implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // Nothing listens on port 1
            return Map.of("kafka.bootstrap.servers", "localhost:1");
        }
    }

    @Test
    void trackedResultIs503WithRetryAfterAndReadinessIsDown() {
        given().contentType("application/fhir+json").body(Samples.mayoVgcc("no-kafka", "Patient/no-kafka", "0.45"))
                .when().post("/fhir/Observation")
                .then().statusCode(503).header("Retry-After", notNullValue())
                .body("resourceType", equalTo("OperationOutcome")).body("issue[0].code", equalTo("transient"))
                // A write not confirmed may still land; the answer says so, and that a resend is safe
                .body("issue[0].diagnostics", containsString("not confirmed"))
                .body("issue[0].diagnostics", containsString("Sending it again is safe"))
                .body("issue[0].diagnostics", not(containsString("nothing was accepted")));
        String bundle = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"fullUrl\":\"urn:uuid:7d3f7a34-2c54-4f58-9a0e-9c6f1f1f0a01\","
                + "\"resource\":" + Samples.mayoVgcc("no-kafka-tx", "Patient/no-kafka", "0.45")
                + ",\"request\":{\"method\":\"PUT\",\"url\":\"Observation/no-kafka-tx\"}}]}";
        given().contentType("application/fhir+json").body(bundle).when().post("/fhir")
                .then().statusCode(503).body("issue[0].diagnostics", containsString("not confirmed"))
                .body("issue[0].diagnostics", not(containsString("nothing was accepted")));
        given().when().get("/q/health/ready").then().statusCode(503);
    }

    @Test
    void anHl7v2MessageGetsNoAckAtAllAndItsConnectionIsClosed() throws Exception {
        // Never AA for what Kafka did not confirm, and never an AE for an outage (an engine may take it as final):
        // the connection closes without an answer and the sender's engine sends again later
        try (java.net.Socket socket = new java.net.Socket("localhost", listener.port())) {
            socket.setSoTimeout(60_000);
            socket.getOutputStream().write(0x0b);
            socket.getOutputStream().write(org.lemstriage.ingest.hl7v2.V2Corpus.message("01-mayo-vgcc-nm.hl7")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.getOutputStream().write(new byte[]{0x1c, 0x0d});
            socket.getOutputStream().flush();
            org.assertj.core.api.Assertions.assertThat(socket.getInputStream().readAllBytes()).as("no ACK, then closed").isEmpty();
        }
    }

    @jakarta.inject.Inject
    org.lemstriage.ingest.hl7v2.MllpListener listener;

    @Test
    void anAnswerIsNeverGivenWithoutItsAuditEvent() {
        // An untracked result needs no Kafka record, but its AuditEvent does; without the broker the request fails
        // rather than answer 200 and leave a hole in the audit trail
        given().contentType("application/fhir+json")
                .body(Samples.vgcc("no-kafka-routine", "Patient/no-kafka", "http://loinc.org", "718-7", "13.2", "g/dL"))
                .when().post("/fhir/Observation").then().statusCode(503).header("Retry-After", notNullValue())
                .body("resourceType", equalTo("OperationOutcome"))
                .body("issue[0].diagnostics", containsString("audit trail could not record this request"))
                .body("issue[0].diagnostics", containsString("would have been HTTP 200"));
        // A bad request too: its 422 is not given unaudited
        given().contentType("application/fhir+json").body("{\"resourceType\":\"Observation\"}")
                .when().post("/fhir/Observation").then().statusCode(503)
                .body("issue[0].diagnostics", containsString("would have been HTTP 422"));
    }
}
