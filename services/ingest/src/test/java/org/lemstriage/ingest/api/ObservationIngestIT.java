package org.lemstriage.ingest.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.lemstriage.ingest.Samples;
import org.lemstriage.model.Topics;
import org.lemstriage.model.event.EventJson;
import org.lemstriage.testsupport.Eventually;
import org.lemstriage.testsupport.Fixtures;
import org.lemstriage.testsupport.KafkaBroker;
import org.lemstriage.testsupport.KafkaBrokerResource;
import org.lemstriage.testsupport.TopicProbe;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

/** ingest over HTTP, writing to the real broker. */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
class ObservationIngestIT {
    private static final String FHIR_JSON = "application/fhir+json";

    @Test
    void positiveVgccIsPublishedKeyedByPatientBeforeThe201() throws Exception {
        String patient = "Patient/it-" + UUID.randomUUID();
        try (TopicProbe probe = TopicProbe.fromNow(KafkaBroker.bootstrapServers(), Topics.LAB_OBSERVATION)) {
            given().contentType(FHIR_JSON).body(Samples.vgcc("obs-1", patient, "https://www.labcorp.com/tests", "140640", "80", "pmol/L"))
                    .when().post("/fhir/Observation")
                    .then().statusCode(201).contentType(FHIR_JSON)
                    .body("resourceType", equalTo("OperationOutcome"));
            // acks=all before the 201: the record is already on the broker, no waiting needed beyond a poll
            List<ConsumerRecord<String, String>> seen = probe.pollUntil(r -> patient.equals(r.key()), Duration.ofSeconds(10));
            ConsumerRecord<String, String> record = seen.get(seen.size() - 1);
            assertThat(record.key()).isEqualTo(patient);
            JsonNode value = EventJson.mapper().readTree(record.value());
            assertThat(value.get("analyte").asText()).isEqualTo("VGCC_PQ");
            assertThat(value.at("/quantity/value").decimalValue()).isEqualByComparingTo("0.08");
            assertThat(value.at("/quantity/unit").asText()).isEqualTo("nmol/L");
            assertThat(value.get("observationId").asText()).isEqualTo("obs-1");
        }
    }

    @Test
    void routineLabsAreAcceptedAndNothingIsPublished() {
        List<Path> labs = Fixtures.routineLabs("observation-");
        assertThat(labs).hasSizeGreaterThan(15);
        routineLabsAreAcceptedAndNothingIsPublished(labs);
    }

    @Test
    void usCoreLabExamplesAreAcceptedAndNothingIsPublished() {
        Assumptions.assumeTrue(Fixtures.usCoreAvailable(), Fixtures.usCoreMissing());
        List<Path> labs = Fixtures.usCore("observation-");
        assertThat(labs).hasSizeGreaterThan(10);
        routineLabsAreAcceptedAndNothingIsPublished(labs);
    }

    private void routineLabsAreAcceptedAndNothingIsPublished(List<Path> labs) {
        try (TopicProbe probe = TopicProbe.fromNow(KafkaBroker.bootstrapServers(), Topics.LAB_OBSERVATION)) {
            long before = probe.endOffsetSum();
            for (Path lab : labs) {
                given().contentType(FHIR_JSON).body(Fixtures.read(lab))
                        .when().post("/fhir/Observation")
                        .then().statusCode(200).body("issue.severity", hasItem("information"));
            }
            assertThat(probe.endOffsetSum()).isEqualTo(before);
            assertThat(probe.pollFor(Duration.ofSeconds(1))).isEmpty();
        }
    }

    @Test
    void malformedJsonIs400WithAnOperationOutcome() {
        given().contentType(FHIR_JSON).body("{\"resourceType\":\"Observation\", \"status\": ")
                .when().post("/fhir/Observation")
                .then().statusCode(400).contentType(FHIR_JSON)
                .body("resourceType", equalTo("OperationOutcome"))
                .body("issue[0].severity", equalTo("error"));
    }

    @Test
    void missingSubjectIs422NamingTheElement() {
        String noSubject = Samples.mayoVgcc("obs-2", "Patient/x", "0.5").replace("\"subject\":{\"reference\":\"Patient/x\"},", "");
        given().contentType(FHIR_JSON).body(noSubject)
                .when().post("/fhir/Observation")
                .then().statusCode(422).body("issue[0].expression[0]", equalTo("Observation.subject"));
    }

    @Test
    void otherResourceTypeIs400() {
        given().contentType(FHIR_JSON).body("{\"resourceType\":\"Patient\",\"id\":\"p\"}")
                .when().post("/fhir/Observation")
                .then().statusCode(400).body("issue[0].expression[0]", equalTo("resourceType"));
    }

    @Test
    void xmlIsAcceptedAndAnsweredInTheFormatAsked() throws Exception {
        String patient = "Patient/xml-" + UUID.randomUUID();
        String xml = """
                <Observation xmlns="http://hl7.org/fhir"><id value="xml-1"/><status value="final"/>
                 <code><coding><system value="https://www.mayocliniclabs.com/test-catalog"/><code value="CCPQ"/></coding></code>
                 <subject><reference value="%s"/></subject><effectiveDateTime value="2026-11-02T09:30:00Z"/>
                 <valueQuantity><value value="0.45"/><unit value="nmol/L"/><system value="http://unitsofmeasure.org"/><code value="nmol/L"/></valueQuantity>
                </Observation>""".formatted(patient);
        try (TopicProbe probe = TopicProbe.fromNow(KafkaBroker.bootstrapServers(), Topics.LAB_OBSERVATION)) {
            given().contentType("application/fhir+xml").body(xml).when().post("/fhir/Observation")
                    .then().statusCode(201).contentType("application/fhir+xml")
                    .body(org.hamcrest.Matchers.containsString("<OperationOutcome"));
            assertThat(probe.pollUntil(r -> patient.equals(r.key()), Duration.ofSeconds(10))).anyMatch(r -> patient.equals(r.key()));
        }
        given().contentType("application/fhir+xml").accept("application/fhir+json").body(xml)
                .when().post("/fhir/Observation").then().statusCode(201).contentType(FHIR_JSON);
    }

    @Test
    void putOfAnAmendedResultIsPublishedWithItsStatus() throws Exception {
        String patient = "Patient/put-" + UUID.randomUUID();
        String amended = Samples.mayoVgcc("put-1", patient, "0.01").replace("\"status\":\"final\"", "\"status\":\"amended\"");
        try (TopicProbe probe = TopicProbe.fromNow(KafkaBroker.bootstrapServers(), Topics.LAB_OBSERVATION)) {
            given().contentType(FHIR_JSON).body(amended).when().put("/fhir/Observation/put-1").then().statusCode(200);
            var seen = probe.awaitRecord(r -> patient.equals(r.key()), Duration.ofSeconds(10));
            assertThat(EventJson.mapper().readTree(seen.value()).get("status").asText()).isEqualTo("amended");
        }
    }

    @Test
    void aDeleteIsRefusedWithHowToWithdrawAndPublishesNothing() {
        try (TopicProbe probe = TopicProbe.fromNow(KafkaBroker.bootstrapServers(), Topics.LAB_OBSERVATION)) {
            long before = probe.endOffsetSum();
            given().accept(FHIR_JSON).when().delete("/fhir/Observation/some-result").then().statusCode(405)
                    .header("Allow", "POST, PUT")
                    .body("resourceType", equalTo("OperationOutcome"))
                    .body("issue[0].code", equalTo("not-supported"))
                    .body("issue[0].diagnostics", containsString("entered-in-error"))
                    .body("issue[0].expression[0]", equalTo("Observation.status"));
            assertThat(probe.endOffsetSum()).isEqualTo(before);
        }
    }

    @Test
    void everyRequestLeavesOneAuditEventWithCountsAndNoValues() throws Exception {
        String patient = "Patient/audit-" + UUID.randomUUID();
        try (TopicProbe audit = TopicProbe.fromNow(KafkaBroker.bootstrapServers(), Topics.TRIAGE_AUDIT)) {
            given().contentType(FHIR_JSON).body(Samples.mayoVgcc("audit-1", patient, "0.45")).when().post("/fhir/Observation")
                    .then().statusCode(201);
            given().contentType(FHIR_JSON).body("{").when().post("/fhir/Observation").then().statusCode(400);
            var events = audit.pollFor(Duration.ofSeconds(3)).stream().map(r -> r.value()).toList();
            assertThat(events).anySatisfy(e -> assertThat(e).contains("\"outcome\":\"0\"", "HTTP 201; published 1, untracked 0, rejected 0"));
            assertThat(events).anySatisfy(e -> assertThat(e).contains("\"outcome\":\"4\"", "HTTP 400"));
            assertThat(events).allSatisfy(e -> assertThat(e).doesNotContain("0.45", patient));
        }
    }

    @Test
    void ndjsonImportAnswersPerLineWithASummary() throws Exception {
        String patient = "Patient/ndjson-" + UUID.randomUUID();
        String ndjson = String.join("\n",
                Samples.mayoVgcc("nd-1", patient, "0.45").replace("\n", ""),
                Fixtures.read(Fixtures.routineLabs("observation-sodium").get(0)).replace("\n", "").replace("\r", ""),
                "{\"resourceType\":\"Observation\",",
                "");
        try (TopicProbe probe = TopicProbe.fromNow(KafkaBroker.bootstrapServers(), Topics.LAB_OBSERVATION)) {
            // Unencoded: FHIR operation names start with '$', which RestAssured would send as %24
            given().urlEncodingEnabled(false).contentType("application/fhir+ndjson").body(ndjson.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                    .when().post("/fhir/$import").then().statusCode(200)
                    .body("resourceType", equalTo("Parameters"))
                    .body("parameter.findAll { it.name == 'line' }.part.flatten().findAll { it.name == 'status' }.valueString",
                            org.hamcrest.Matchers.contains("201 Created", "200 OK", "400 Bad Request"))
                    .body("parameter.find { it.name == 'summary' }.valueString",
                            equalTo("published 1, acknowledged without publishing 1, rejected 1"));
            assertThat(probe.pollUntil(r -> patient.equals(r.key()), Duration.ofSeconds(10))).anyMatch(r -> patient.equals(r.key()));
        }
    }

    @Test
    void bodyOverTheLimitIs413WithAnOperationOutcome() {
        // The %test profile's limit is 64 KiB (10 MiB by default): a body that still fits the socket's buffers
        byte[] big = new byte[100 * 1024];
        java.util.Arrays.fill(big, (byte) ' ');
        given().contentType(FHIR_JSON).body(big).when().post("/fhir/Observation").then().statusCode(413)
                .body("resourceType", equalTo("OperationOutcome")).body("issue[0].code", equalTo("too-long"));
    }

    @Test
    void trackedResultsAreAlsoInstanceValidatedAgainstR4() {
        // Parses strictly and has what the pipeline needs, but breaks R4 invariant obs-6 (a value and a
        // dataAbsentReason together) and qty-3 (a unit code without its system)
        String broken = Samples.mayoVgcc("inv-1", "Patient/inv", "0.45")
                .replace("\"system\":\"http://unitsofmeasure.org\",", "")
                .replace("\"status\":\"final\",", "\"status\":\"final\",\"dataAbsentReason\":{\"text\":\"not done\"},");
        given().contentType(FHIR_JSON).body(broken).when().post("/fhir/Observation")
                .then().statusCode(422).body("resourceType", equalTo("OperationOutcome"))
                .body("issue.diagnostics", hasItem(org.hamcrest.Matchers.containsString("obs-6")))
                .body("issue.diagnostics", hasItem(org.hamcrest.Matchers.containsString("qty-3")))
                .body("issue.expression.flatten()", hasItem(org.hamcrest.Matchers.startsWith("Observation")));
        // The same flaws in a routine lab are not instance-validated: it is acknowledged, not kept
        String routine = broken.replace("https://www.mayocliniclabs.com/test-catalog", "http://loinc.org").replace("CCPQ", "2951-2");
        given().contentType(FHIR_JSON).body(routine).when().post("/fhir/Observation").then().statusCode(200);
    }

    /**
     * A Content-Length past even Quarkus' own cap (1 MiB in tests, 20 MiB by default) is answered
     * with the same OperationOutcome, not Quarkus' empty 413, and before the body is read.
     */
    @Test
    void aDeclaredBodyPastQuarkusOwnCapIs413WithAnOperationOutcome() throws Exception {
        byte[] huge = new byte[3 * 1024 * 1024];
        java.util.Arrays.fill(huge, (byte) ' ');
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(io.restassured.RestAssured.baseURI + ":"
                        + io.restassured.RestAssured.port + "/fhir/Observation"))
                .header("Content-Type", FHIR_JSON).POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(huge)).build();
        var response = java.net.http.HttpClient.newHttpClient().send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith(FHIR_JSON));
        assertThat(response.body()).contains("OperationOutcome", "too-long", "larger than 65536 bytes");
    }

    @Test
    void aChunkedBodyPastTheLimitIs413WithAnOperationOutcome() throws Exception {
        // A publisher of unknown length: sent chunked, no Content-Length; the limit (64 KiB in tests) is found while reading, not from the headers
        byte[] big = ("{\"resourceType\":\"Observation\",\"status\":\"final\",\"note\":[{\"text\":\"" + "x".repeat(100_000) + "\"}]}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(io.restassured.RestAssured.baseURI + ":"
                        + io.restassured.RestAssured.port + "/fhir/Observation"))
                .header("Content-Type", FHIR_JSON)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big))).build();
        var response = java.net.http.HttpClient.newHttpClient().send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.body()).contains("OperationOutcome", "too-long", "larger than 65536 bytes");
    }

    @Test
    void metadataStatesWhatIsSupported() {
        given().when().get("/fhir/metadata").then().statusCode(200)
                .body("resourceType", equalTo("CapabilityStatement"))
                .body("rest[0].resource[0].type", equalTo("Observation"))
                .body("rest[0].resource[0].interaction.code", org.hamcrest.Matchers.contains("create", "update"))
                .body("rest[0].security.service[0].coding[0].code", equalTo("SMART-on-FHIR"))
                .body("rest[0].documentation", org.hamcrest.Matchers.containsString("subscription-notification"));
    }

    @Test
    void healthAndMetricsAnswer() throws InterruptedException {
        // Ready only once the FHIR validator is warm, and the check says so
        Eventually.await(() -> given().when().get("/q/health/ready").statusCode(), s -> s == 200, Duration.ofSeconds(60));
        given().when().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'fhir-validator' }.status", equalTo("UP"));
        given().when().get("/q/health/live").then().statusCode(200);
        given().when().get("/q/metrics").then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString("lemstriage_records_in_total"));
    }
}
