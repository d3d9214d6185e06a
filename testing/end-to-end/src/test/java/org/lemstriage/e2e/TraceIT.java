package org.lemstriage.e2e;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.lemstriage.model.Topics;
import org.lemstriage.model.fhir.Fhir;
import org.lemstriage.sandbox.EhrSandbox;
import org.lemstriage.stack.ServiceProperties;
import org.lemstriage.testsupport.EhrSandboxes;
import org.lemstriage.testsupport.KafkaBroker;
import org.lemstriage.testsupport.OtlpReceiver;
import org.lemstriage.testsupport.SenderTokens;
import org.lemstriage.testsupport.TopicProbe;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One trace for one positive result: the sender's trace context on the HTTP POST to ingest continues through
 * Kafka (traceparent in the record headers of lab.observation.v1 and triage.decision.v1), the classifier's EHR context
 * read and the notifier's EHR transaction (the EHR sees it on both), and every service exports its spans of that trace
 * over OTLP, here to a receiver in this JVM. Services of its own with tracing on; broker of its own.
 */
class TraceIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static OtlpReceiver otlp;
    private static KafkaClusterTestKit broker;
    private static EhrSandbox ehr;
    private static final List<ServiceProcess> services = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        otlp = new OtlpReceiver();
        broker = KafkaBroker.startDedicated(KafkaBroker.PARTITIONS);
        ehr = EhrSandboxes.shared();
        Map<String, String> tracing = new HashMap<>(Map.of("kafka.bootstrap.servers", broker.bootstrapServers(),
                "lemstriage.ehr.base-url", ehr.baseUrl(), "quarkus.otel.sdk.disabled", "false",
                "quarkus.otel.exporter.otlp.traces.protocol", "http/protobuf",
                "quarkus.otel.exporter.otlp.traces.endpoint", otlp.endpoint(),
                "quarkus.otel.bsp.schedule.delay", "200ms", "quarkus.log.console.json.enabled", "true"));
        tracing.putAll(SenderTokens.verification());
        services.add(ServiceProcess.launch("ingest", "trace-ingest", tracing));
        Map<String, String> classifier = new HashMap<>(tracing);
        classifier.putAll(ServiceProperties.of().stateDir(Files.createTempDirectory("trace-classifier"))
                .clock(Pipeline.CLOCK_START, false).asMap());
        services.add(ServiceProcess.launch("classifier", "trace-classifier", classifier));
        services.add(ServiceProcess.launch("notifier", "trace-notifier", tracing));
        for (ServiceProcess service : services) {
            service.awaitReady(Duration.ofSeconds(120));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        for (ServiceProcess service : services) {
            service.close();
        }
        if (broker != null) {
            broker.close();
        }
        if (otlp != null) {
            otlp.close();
        }
    }

    @Test
    void onePositiveResultIsOneTraceFromTheSenderToTheEhrsTask() throws Exception {
        IGenericClient fhir = Fhir.r4().newRestfulGenericClient(ehr.baseUrl());
        String patient = "Patient/" + fhir.create().resource(new Patient().setActive(true)).execute().getId().getIdPart();
        byte[] id = new byte[16];
        new SecureRandom().nextBytes(id);
        String traceId = HexFormat.of().formatHex(id);
        String traceparent = "00-" + traceId + "-" + HexFormat.of().formatHex(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}) + "-01";

        try (TopicProbe results = TopicProbe.fromNow(broker.bootstrapServers(), Topics.LAB_OBSERVATION);
             TopicProbe decisions = TopicProbe.fromNow(broker.bootstrapServers(), Topics.TRIAGE_DECISION)) {
            HttpResponse<String> accepted = HTTP.send(HttpRequest.newBuilder(URI.create(services.get(0).baseUrl() + "/fhir/Observation"))
                    .header("Content-Type", "application/fhir+json").header("traceparent", traceparent)
                    .header("Authorization", "Bearer " + SenderTokens.token("integration-engine", "system/Observation.write"))
                    .POST(HttpRequest.BodyPublishers.ofString(Pipeline.quantity("trace-" + UUID.randomUUID(), patient,
                            "https://ltd.aruplab.com/Tests/Pub", "0092628", "120", "pmol/L"))).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(201);

            // Hop 1 and 2: ingest's record, and the classifier's decision made on it
            assertThat(traceIdOf(results.pollUntil(r -> patient.equals(r.key()), Duration.ofSeconds(30)), patient))
                    .as("lab.observation.v1 traceparent").isEqualTo(traceId);
            assertThat(traceIdOf(decisions.pollUntil(r -> patient.equals(r.key()), Duration.ofSeconds(60)), patient))
                    .as("triage.decision.v1 traceparent").isEqualTo(traceId);
        }
        // Hop 3 and 4: the EHR saw the trace on the classifier's context read, the notifier's read and its
        // transaction: three Bundles posted to its base (two batches of reads, one transaction)
        List<EhrSandbox> sandbox = List.of(ehr);
        Pipeline.await(() -> sandbox.get(0).tracedRequests().stream().filter(r -> r.traceId().equals(traceId)).toList(),
                seen -> seen.stream().filter(r -> r.method().equals("POST") && r.path().equals("/fhir")).count() >= 3);
        // And each service exported spans of this trace
        List<String> names = List.of("lems-triage-ingest", "lems-triage-classifier", "lems-triage-notifier");
        for (String service : names) {
            assertThat(otlp.awaitExport(id, service, Duration.ofSeconds(30))).as("%s exported spans of the trace (%s)", service,
                    otlp.summary(names)).isTrue();
        }
        // The patient's id is the records' key and in the EHR's queries: no exported span carries it
        assertThat(otlp.exportedAnyWith(patient.substring("Patient/".length()))).as("the patient's id in an exported span").isFalse();
        // The logs are JSON, and the notifier's line of its EHR write (logged once the write's AuditEvent is on Kafka)
        // names the trace and its span
        ServiceProcess notifier = services.get(2);
        List<com.fasterxml.jackson.databind.JsonNode> written = Pipeline.await(() -> jsonLines(notifier).stream()
                .filter(l -> l.path("message").asText().contains(": episode ") && l.path("message").asText().contains(" written")).toList(),
                found -> !found.isEmpty());
        assertThat(jsonLines(notifier)).as("every line JSON").hasSameSizeAs(notifier.logSinceLaunch().lines().filter(l -> !l.isBlank()).toList());
        assertThat(written).singleElement().satisfies(l -> {
                    assertThat(l.path("mdc").path("traceId").asText()).isEqualTo(traceId);
                    assertThat(l.path("mdc").path("spanId").asText()).matches("[0-9a-f]{16}");
                    assertThat(l.path("level").asText()).isEqualTo("INFO");
                });
    }

    private static List<com.fasterxml.jackson.databind.JsonNode> jsonLines(ServiceProcess service) {
        List<com.fasterxml.jackson.databind.JsonNode> lines = new ArrayList<>();
        for (String line : service.logSinceLaunch().lines().filter(l -> l.startsWith("{")).toList()) {
            try {
                lines.add(new com.fasterxml.jackson.databind.ObjectMapper().readTree(line));
            } catch (java.io.IOException e) {
                throw new AssertionError("not JSON: " + line, e);
            }
        }
        return lines;
    }

    private static String traceIdOf(List<ConsumerRecord<String, String>> records, String patient) {
        ConsumerRecord<String, String> record = records.stream().filter(r -> patient.equals(r.key())).findFirst()
                .orElseThrow(() -> new AssertionError("no record for " + patient));
        Header traceparent = record.headers().lastHeader("traceparent");
        assertThat(traceparent).as("traceparent header on " + record.topic()).isNotNull();
        return new String(traceparent.value(), StandardCharsets.UTF_8).split("-")[1];
    }
}
