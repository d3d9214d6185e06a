package org.lemstriage.ingest.api;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;
import org.lemstriage.ingest.Samples;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
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
                .body("resourceType", equalTo("OperationOutcome")).body("issue[0].code", equalTo("transient"));
        given().when().get("/q/health/ready").then().statusCode(503);
    }

    @Test
    void untrackedResultIsStillAcknowledged() {
        given().contentType("application/fhir+json")
                .body(Samples.vgcc("no-kafka-routine", "Patient/no-kafka", "http://loinc.org", "718-7", "13.2", "g/dL"))
                .when().post("/fhir/Observation").then().statusCode(200);
    }
}
