package org.lemstriage.ingest.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.lemstriage.model.event.EventJson;
import org.lemstriage.testsupport.Eventually;
import org.lemstriage.testsupport.KafkaBrokerResource;

import java.io.InputStream;
import java.time.Duration;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** Every row of {@code bad-inputs.json} over HTTP: its 4xx, an OperationOutcome, the element named; never a 500. */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
class BadInputIT {

    @TestFactory
    Stream<DynamicTest> badInputs() throws Exception {
        JsonNode doc;
        try (InputStream in = getClass().getResourceAsStream("/bad-inputs.json")) {
            doc = EventJson.mapper().readTree(in);
        }
        assertThat(doc.get("cases").size()).as("at least 40 bad inputs").isGreaterThanOrEqualTo(40);
        return Stream.concat(StreamSupport.stream(doc.get("cases").spliterator(), false)
                        .map(c -> DynamicTest.dynamicTest(c.get("id").asText() + " " + c.get("title").asText(), () -> check(c))),
                Stream.of(DynamicTest.dynamicTest("still healthy after every bad input", BadInputIT::stillHealthy)));
    }

    private static void check(JsonNode c) throws Exception {
        var request = given().contentType(c.get("contentType").asText())
                .body(c.get("body").asText().getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .header("Accept", "application/fhir+json");
        Response response = "PUT".equals(c.get("method").asText()) ? request.put(c.get("path").asText())
                : request.post(c.get("path").asText());
        assertThat(response.statusCode()).as("status; body %s", response.asString()).isEqualTo(c.get("status").asInt());
        assertThat(response.contentType()).startsWith("application/fhir+json");
        JsonNode outcome = EventJson.mapper().readTree(response.asString());
        assertThat(outcome.get("resourceType").asText()).isEqualTo("OperationOutcome");
        assertThat(outcome.at("/issue/0/severity").asText()).isEqualTo("error");
        assertThat(response.asString()).doesNotContain("root:", "at org.", "Exception");
        if (c.has("expression")) {
            assertThat(outcome.get("issue").findValuesAsText("expression").toString() + outcome.get("issue").toString())
                    .contains(c.get("expression").asText());
        }
    }

    private static void stillHealthy() throws InterruptedException {
        given().when().get("/q/health/live").then().statusCode(200);
        // Ready may wait for the validator's warm-up (seconds after start); a bad input must not make it DOWN
        Eventually.await(() -> given().when().get("/q/health/ready").statusCode(), s -> s == 200, Duration.ofSeconds(60));
    }
}
