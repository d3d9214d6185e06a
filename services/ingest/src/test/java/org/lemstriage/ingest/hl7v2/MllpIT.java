package org.lemstriage.ingest.hl7v2;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.app.Connection;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.parser.CanonicalModelClassFactory;
import ca.uhn.hl7v2.util.Terser;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.lemstriage.model.Topics;
import org.lemstriage.model.event.EventJson;
import org.lemstriage.model.event.LabResult;
import org.lemstriage.testsupport.KafkaBroker;
import org.lemstriage.testsupport.KafkaBrokerResource;
import org.lemstriage.testsupport.TopicProbe;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The MLLP listener over real TCP against the real broker: HAPI's own MLLP client sends, a raw socket sends what
 * no client would (frames without a start block); what landed on lab.observation.v1 is read back.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
class MllpIT {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Inject
    MllpListener listener;

    @Test
    void aPositiveResultIsAcknowledgedAaOnlyOnceOnKafkaAndAResendChangesNothing() throws Exception {
        String mrn = "MRN-" + UUID.randomUUID();
        String er7 = OruToFhirTest.message("01-mayo-vgcc-nm.hl7").replace("MRN-1001", mrn).replace("MAYO-0001", "MAYO-" + mrn);
        try (TopicProbe probe = TopicProbe.fromNow(KafkaBroker.bootstrapServers(), Topics.LAB_OBSERVATION)) {
            Message ack = send(er7);
            assertThat(field(ack, "/MSA-1")).isEqualTo("AA");
            assertThat(field(ack, "/MSA-2")).isEqualTo("MAYO-" + mrn);
            ConsumerRecord<String, String> record = probe.awaitRecord(r -> r.value().contains(mrn), WAIT);
            LabResult result = EventJson.mapper().readValue(record.value(), LabResult.class);
            assertThat(record.key()).isEqualTo("identifier:urn:oid:1.2.36.146.595.217.0.1|" + mrn);
            assertThat(result.analyte().code()).isEqualTo("vgcc-pq");
            assertThat(result.quantity().value()).isEqualByComparingTo("0.45");

            // The same message again (same MSH-10): acknowledged, and the same result, same id and version, downstream
            assertThat(field(send(er7), "/MSA-1")).isEqualTo("AA");
            ConsumerRecord<String, String> again = probe.awaitRecord(r -> r.value().contains(mrn) && r.offset() != record.offset(), WAIT);
            LabResult resent = EventJson.mapper().readValue(again.value(), LabResult.class);
            assertThat(resent.observationId()).isEqualTo(result.observationId());
            assertThat(resent.observationVersion()).isEqualTo(result.observationVersion());
        }
    }

    @Test
    void aVersionNotAcceptedIsArAndAnUnmappableFieldIsAeNamingIt() throws Exception {
        String good = OruToFhirTest.message("01-mayo-vgcc-nm.hl7");
        Message rejected = send(good.replace("|P|2.5.1", "|P|2.6"));
        assertThat(field(rejected, "/MSA-1")).isEqualTo("AR");
        assertThat(field(rejected, "/ERR-2-1") + "^" + field(rejected, "/ERR-2-2") + "^" + field(rejected, "/ERR-2-3")).isEqualTo("MSH^1^12");

        Message error = send(good.replace("||0.45|", "||positive|"));
        assertThat(field(error, "/MSA-1")).isEqualTo("AE");
        assertThat(field(error, "/ERR-2-1") + "^" + field(error, "/ERR-2-2") + "^" + field(error, "/ERR-2-3")).isEqualTo("OBX^1^5");
    }

    @Test
    void aFrameWithoutItsStartBlockClosesThatConnectionOnlyAndTheListenerStaysUp() throws Exception {
        try (Socket raw = new Socket("localhost", listener.port())) {
            raw.setSoTimeout(10_000);
            OutputStream out = raw.getOutputStream();
            out.write("MSH|^~\\&|garbage without a start block\r".getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[]{MllpListener.END, MllpListener.CR});
            out.flush();
            InputStream in = raw.getInputStream();
            assertThat(in.read()).as("closed without an answer").isEqualTo(-1);
        }
        try (Socket binary = new Socket("localhost", listener.port())) {
            binary.setSoTimeout(10_000);
            byte[] garbage = new byte[4096];
            new java.util.Random(7).nextBytes(garbage);
            binary.getOutputStream().write(garbage);
            binary.getOutputStream().write(new byte[]{MllpListener.END, MllpListener.CR});
            assertThat(binary.getInputStream().read()).isEqualTo(-1);
        }
        assertThat(field(send(OruToFhirTest.message("04-sox1-qualitative-cwe.hl7")), "/MSA-1")).isEqualTo("AA");
    }

    private Message send(String er7) throws Exception {
        try (HapiContext context = new DefaultHapiContext()) {
            context.setModelClassFactory(new CanonicalModelClassFactory("2.5.1"));
            context.setValidationContext(ValidationContextFactory.noValidation());
            context.getParserConfiguration().setIdGenerator(new ca.uhn.hl7v2.util.idgenerator.UUIDGenerator());
            Connection connection = context.newClient("localhost", listener.port(), false);
            // A tracked result waits for ingest's FHIR validator, which warms up for seconds after start
            connection.getInitiator().setTimeout(60, java.util.concurrent.TimeUnit.SECONDS);
            try {
                return connection.getInitiator().sendAndReceive(context.getPipeParser().parse(er7));
            } finally {
                connection.close();
            }
        }
    }

    private static String field(Message message, String path) throws Exception {
        String value = new Terser(message).get(path);
        return value == null ? "" : value;
    }
}
