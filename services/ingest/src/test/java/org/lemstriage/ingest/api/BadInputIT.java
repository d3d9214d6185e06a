package org.lemstriage.ingest.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.lemstriage.model.event.EventJson;
import org.lemstriage.testsupport.Eventually;
import org.lemstriage.testsupport.HostileText;
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

    /**
     * A property over HTTP: tracked and untracked results whose subject is a Patient named by an
     * identifier of any characters (or a reference that is no FHIR id), with any text in their free-text fields, any
     * status and with or without a value. Every answer is 201, 200 or a 4xx OperationOutcome, never a 5xx. Tries:
     * {@code -Dlemstriage.test.http-tries} (150); the seed is printed.
     */
    @org.junit.jupiter.api.Test
    void anyIdentifierAndFreeTextGetsA2xxOrA4xxWithAnOperationOutcome() throws Exception {
        var seeded = HostileText.Seeded.forTest("BadInputIT.anyIdentifierAndFreeTextGetsA2xxOrA4xx");
        java.util.Random random = seeded.random();
        int tries = Integer.getInteger("lemstriage.test.http-tries", 150);
        var values = seeded.draw(HostileText.identifierValue(), tries);
        var texts = seeded.draw(HostileText.freeText(), tries);
        var parser = org.lemstriage.model.fhir.Fhir.r4().newJsonParser();
        for (int i = 0; i < tries; i++) {
            var observation = parser.parseResource(org.hl7.fhir.r4.model.Observation.class, org.lemstriage.ingest.Samples.mayoVgcc(
                    "prop-" + java.util.UUID.randomUUID(), "Patient/p1", "0.45"));
            String value = values.get(i);
            switch (random.nextInt(3)) {
                case 0 -> observation.setSubject(new org.hl7.fhir.r4.model.Reference().setIdentifier(
                        new org.hl7.fhir.r4.model.Identifier().setSystem("urn:oid:1.2.36.146.595.217.0.1").setValue(value)));
                case 1 -> observation.setSubject(new org.hl7.fhir.r4.model.Reference().setIdentifier(
                        new org.hl7.fhir.r4.model.Identifier().setSystem(value).setValue("MRN-" + i)));
                default -> observation.setSubject(new org.hl7.fhir.r4.model.Reference("Patient/literal-placeholder"));
            }
            if (random.nextBoolean()) {
                observation.getCode().getCodingFirstRep().setSystem("http://loinc.org").setCode("718-7"); // untracked
            }
            switch (random.nextInt(3)) {
                case 0 -> observation.setValue(new org.hl7.fhir.r4.model.StringType(texts.get(i).isBlank() ? "x" : texts.get(i)));
                case 1 -> observation.setValue(null);
                default -> { }
            }
            observation.setStatus(org.hl7.fhir.r4.model.Observation.ObservationStatus.values()[random.nextInt(8)]);
            observation.addNote().setText(texts.get(i).isBlank() ? "note" : texts.get(i));
            Response response = given().contentType("application/fhir+json").header("Accept", "application/fhir+json")
                    .body(parser.encodeResourceToString(observation)
                            // A literal reference as sent, whatever it holds (HAPI's encoder asserts on some, such as "#")
                            .replace("\"Patient/literal-placeholder\"", EventJson.mapper().writeValueAsString("Patient/" + value))
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8))
                    .post("/fhir/Observation");
            String context = "try " + i + " (seed " + seeded.seed() + "): " + response.asString();
            assertThat(response.statusCode()).as(context).isIn(200, 201, 400, 422);
            assertThat(response.contentType()).as(context).startsWith("application/fhir+json");
            if (response.statusCode() >= 400) {
                assertThat(EventJson.mapper().readTree(response.asString()).get("resourceType").asText()).isEqualTo("OperationOutcome");
                assertThat(response.asString()).as(context).doesNotContain("Exception", "at org.");
            }
        }
        stillHealthy();
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
