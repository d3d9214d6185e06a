package org.lemstriage.readside;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.lemstriage.model.Topics;
import org.lemstriage.testsupport.CdsClientTokensResource;
import org.lemstriage.testsupport.EhrSandboxResource;
import org.lemstriage.testsupport.KafkaBroker;
import org.lemstriage.testsupport.KafkaBrokerResource;
import org.lemstriage.testsupport.KeycloakResource;
import org.lemstriage.testsupport.KeycloakServer;
import org.lemstriage.testsupport.OtlpReceiver;
import org.lemstriage.testsupport.PostgresDatabaseResource;
import org.lemstriage.testsupport.TopicProbe;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.lemstriage.readside.StoreFixtures.WAIT;

/**
 * The read-side service traced, as the other services are: a read of the AuditEvent API made under a caller's trace
 * context continues it, its AuditEvent goes to triage.audit.v1 with that trace's traceparent, and the service exports
 * its spans over OTLP (here to a receiver on loopback).
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresDatabaseResource.class)
@QuarkusTestResource(CdsClientTokensResource.class)
@QuarkusTestResource(KeycloakResource.class)
@QuarkusTestResource(EhrSandboxResource.class)
@QuarkusTestResource(AuditTraceIT.Tracing.class)
class AuditTraceIT {

    /** Traces on, to a receiver of this JVM (for every test class of the module, as Quarkus applies test resources). */
    public static class Tracing implements QuarkusTestResourceLifecycleManager {
        static OtlpReceiver receiver;

        @Override
        public Map<String, String> start() {
            try {
                receiver = new OtlpReceiver();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return Map.of("quarkus.otel.sdk.disabled", "false", "quarkus.otel.exporter.otlp.traces.protocol", "http/protobuf",
                    "quarkus.otel.exporter.otlp.traces.endpoint", receiver.endpoint(), "quarkus.otel.bsp.schedule.delay", "200ms");
        }

        @Override
        public void stop() {
            receiver.close();
        }
    }

    @Test
    void aReadUnderACallersTraceContinuesItToTheReadsAuditEventAndIsExported() throws Exception {
        byte[] id = new byte[16];
        new SecureRandom().nextBytes(id);
        String traceId = HexFormat.of().formatHex(id);
        String patient = "Patient/traced-" + UUID.randomUUID();
        try (TopicProbe trail = TopicProbe.fromNow(KafkaBroker.bootstrapServers(), Topics.TRIAGE_AUDIT)) {
            given().auth().oauth2(KeycloakServer.shared().token("demo-auditor", "demo-auditor"))
                    .header("traceparent", "00-" + traceId + "-0102030405060708-01")
                    .get("/fhir/AuditEvent?patient=" + patient).then().statusCode(200);
            ConsumerRecord<String, String> audited = trail.awaitRecord(r -> r.value().contains(patient), WAIT);
            Header traceparent = audited.headers().lastHeader("traceparent");
            assertThat(traceparent).as("traceparent on the read's AuditEvent").isNotNull();
            assertThat(new String(traceparent.value(), StandardCharsets.UTF_8).split("-")[1]).isEqualTo(traceId);
        }
        assertThat(Tracing.receiver.awaitExport(id, "lems-triage-read-side", Duration.ofSeconds(30)))
                .as("the read-side service exported spans of the trace (%s)", Tracing.receiver.summary(List.of("lems-triage-read-side"))).isTrue();
        // The query named a patient: no exported span carries it (a trace backend is not a place for patient data)
        assertThat(Tracing.receiver.exportedAnyWith(patient.substring("Patient/".length()))).as("the patient's id in an exported span").isFalse();
    }
}
