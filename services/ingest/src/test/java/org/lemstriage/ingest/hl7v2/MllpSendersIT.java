package org.lemstriage.ingest.hl7v2;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.lemstriage.model.Topics;
import org.lemstriage.testsupport.CertificateAuthority;
import org.lemstriage.testsupport.KafkaBroker;
import org.lemstriage.testsupport.KafkaBrokerResource;
import org.lemstriage.testsupport.TopicProbe;

import javax.net.ssl.SSLContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who may send over MLLP, against the real broker with a real TLS client: mutual TLS with a CA made for the test,
 * each sender certificate mapped to the sending facilities (MSH-4) it may send for, and an address allow-list
 * (127.0.0.2 and 127.0.0.3 allowed, 127.0.0.1 not: other hosts, as loopback addresses).
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@TestProfile(MllpSendersIT.MutualTlsFromOneSegment.class)
class MllpSendersIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String ALLOWED = "127.0.0.2";

    @Inject
    MllpListener listener;

    public static class MutualTlsFromOneSegment implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Certificates c = Certificates.get();
            return Map.of("lemstriage.mllp.tls-certificate", c.listener.certificatePem().toString(),
                    "lemstriage.mllp.tls-key", c.listener.keyPem().toString(),
                    "lemstriage.mllp.tls-client-ca", c.ca.certificate().toString(),
                    "lemstriage.mllp.sender-facilities.mayo-interface", "MAYO",
                    "lemstriage.mllp.allowed-senders", ALLOWED + "/32,127.0.0.3");
        }
    }

    /** The test's CA, the listener's certificate, a sender's, and a certificate from a CA nobody configured. */
    record Certificates(CertificateAuthority ca, CertificateAuthority.Issued listener, CertificateAuthority.Issued mayo,
                        CertificateAuthority stranger, CertificateAuthority.Issued strangerMayo) {
        private static Certificates made;

        static synchronized Certificates get() {
            if (made == null) {
                try {
                    CertificateAuthority ca = CertificateAuthority.create(Files.createTempDirectory("mllp-ca"), "hospital interface CA", "mllp-test");
                    CertificateAuthority stranger = CertificateAuthority.create(Files.createTempDirectory("mllp-stranger"), "someone's CA", "mllp-test");
                    made = new Certificates(ca, ca.issue("listener", "CN=localhost", "dns:localhost"),
                            ca.issue("mayo", "CN=mayo-interface,O=Mayo Clinic Laboratories", null), stranger,
                            stranger.issue("mayo", "CN=mayo-interface", null));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
            return made;
        }
    }

    @Test
    void aSenderWithTheCasCertificateIsAnsweredAaAndItsResultIsPublished() throws Exception {
        String mrn = "MRN-" + UUID.randomUUID();
        try (TopicProbe probe = TopicProbe.fromNow(KafkaBroker.bootstrapServers(), Topics.LAB_OBSERVATION)) {
            String ack = send(tls(Certificates.get().ca.clientContext(Certificates.get().mayo)), ALLOWED, mayoResult(mrn));
            assertThat(ack).contains("MSA|AA|");
            probe.awaitRecord(r -> r.value().contains(mrn), WAIT);
        }
        // An allowed address given without a prefix length
        assertThat(send(tls(Certificates.get().ca.clientContext(Certificates.get().mayo)), "127.0.0.3", mayoResult("MRN-" + UUID.randomUUID())))
                .contains("MSA|AA|");
    }

    @Test
    void aFacilityTheCertificateMayNotSendForIsArAndNothingIsPublished() throws Exception {
        String mrn = "MRN-" + UUID.randomUUID();
        // The probe's attack: another facility's "correction" (value 0.00) from a sender that may send for MAYO only
        String other = mayoResult(mrn).replace("|MAYOLINK|MAYO|", "|ARUPLINK|ARUP|").replace("||0.45|", "||0.00|");
        try (TopicProbe probe = TopicProbe.fromNow(KafkaBroker.bootstrapServers(), Topics.LAB_OBSERVATION)) {
            long before = probe.endOffsetSum();
            String ack = send(tls(Certificates.get().ca.clientContext(Certificates.get().mayo)), ALLOWED, other);
            assertThat(ack).contains("MSA|AR|").contains("ERR||MSH^1^4").contains("mayo-interface");
            assertThat(probe.pollFor(Duration.ofSeconds(2))).noneMatch(r -> r.value().contains(mrn));
            assertThat(probe.endOffsetSum()).isEqualTo(before);
        }
    }

    @Test
    void resultsInAnotherLabsOrderNamespaceOrAnotherFacilityUnderAnOwnNamespaceIdAreAr() throws Exception {
        String mrn = "MRN-" + UUID.randomUUID();
        // MSH-4 its own, but the order number (whose namespace identifies the results) in ARUP's namespace
        String intoArup = mayoResult(mrn).replace("|MC-55501^MAYO|", "|AR-9001^ARUP|");
        // Another facility named by its own universal id: only MSH-4.1 counts, as the results' identifiers use it
        String asArup = mayoResult(mrn).replace("|MAYOLINK|MAYO|", "|ARUPLINK|ARUP^2.16.840.1.113883.3.2074^ISO|");
        // A header the listener cannot read (a letter as field separator): no facility to check, no answer
        String unreadable = mayoResult(mrn).replace("MSH|^~\\&|", "MSHX^~\\&X").replace("|", "X");
        try (TopicProbe probe = TopicProbe.fromNow(KafkaBroker.bootstrapServers(), Topics.LAB_OBSERVATION)) {
            long before = probe.endOffsetSum();
            SSLContext mayo = Certificates.get().ca.clientContext(Certificates.get().mayo);
            assertThat(send(tls(mayo), ALLOWED, intoArup)).contains("MSA|AR|").contains("ERR||OBR^1^3").contains("'ARUP'");
            assertThat(send(tls(mayo), ALLOWED, asArup)).contains("MSA|AR|").contains("ERR||MSH^1^4");
            assertThat(sendOrNothing(tls(mayo), ALLOWED, unreadable)).doesNotContain("MSA|AA");
            assertThat(probe.pollFor(Duration.ofSeconds(2))).noneMatch(r -> r.value().contains(mrn));
            assertThat(probe.endOffsetSum()).isEqualTo(before);
        }
    }

    @Test
    void aSenderWithoutACertificateOrWithAnotherCasIsRefusedAtTheHandshake() throws Exception {
        String mrn = "MRN-" + UUID.randomUUID();
        try (TopicProbe probe = TopicProbe.fromNow(KafkaBroker.bootstrapServers(), Topics.LAB_OBSERVATION)) {
            assertThat(sendOrNothing(tls(Certificates.get().ca.clientContext(null)), ALLOWED, mayoResult(mrn))).isEmpty();
            assertThat(sendOrNothing(tls(Certificates.get().stranger.clientContext(Certificates.get().strangerMayo)), ALLOWED, mayoResult(mrn)))
                    .isEmpty();
            assertThat(sendOrNothing(new Socket(), ALLOWED, mayoResult(mrn))).as("plain TCP to a TLS listener").isEmpty();
            assertThat(probe.pollFor(Duration.ofSeconds(2))).noneMatch(r -> r.value().contains(mrn));
        }
    }

    @Test
    void anAddressNotAllowedIsClosedOnConnectingWhateverItsCertificate() throws Exception {
        assertThat(sendOrNothing(tls(Certificates.get().ca.clientContext(Certificates.get().mayo)), "127.0.0.1",
                mayoResult("MRN-" + UUID.randomUUID()))).isEmpty();
        // And the listener takes the next allowed sender as before
        assertThat(send(tls(Certificates.get().ca.clientContext(Certificates.get().mayo)), ALLOWED, mayoResult("MRN-" + UUID.randomUUID())))
                .contains("MSA|AA|");
    }

    private static String mayoResult(String mrn) throws IOException {
        return OruToFhirTest.message("01-mayo-vgcc-nm.hl7").replace("MRN-1001", mrn).replace("MAYO-0001", "MAYO-" + mrn);
    }

    private static Socket tls(SSLContext context) throws IOException {
        return context.getSocketFactory().createSocket();
    }

    /** The ACK (ER7, segments split by CR), from a socket bound to {@code from}. */
    private String send(Socket socket, String from, String er7) throws IOException {
        try (socket) {
            socket.setSoTimeout((int) WAIT.toMillis());
            socket.bind(new InetSocketAddress(from, 0));
            socket.connect(new InetSocketAddress("localhost", listener.port()));
            OutputStream out = socket.getOutputStream();
            out.write(0x0b);
            out.write(er7.replace("\n", "\r").getBytes(StandardCharsets.ISO_8859_1));
            out.write(new byte[] {0x1c, 0x0d});
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            for (int b = in.read(); b >= 0 && b != 0x1c; b = in.read()) {
                answer.write(b);
            }
            return answer.toString(StandardCharsets.ISO_8859_1);
        }
    }

    /** What came back before the listener closed the connection or refused the handshake: "" when nothing did. */
    private String sendOrNothing(Socket socket, String from, String er7) {
        try {
            return send(socket, from, er7);
        } catch (IOException refused) {
            return "";
        }
    }
}
