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
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.lemstriage.model.Topics;
import org.lemstriage.model.event.EventJson;
import org.lemstriage.model.event.LabResult;
import org.lemstriage.testsupport.KafkaBroker;
import org.lemstriage.testsupport.HostileText;
import org.lemstriage.testsupport.KafkaBrokerResource;
import org.lemstriage.testsupport.TopicProbe;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

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

    /** What an alert on HL7 v2 reads: each message by its answer, each connection closed by its reason. */
    @Test
    void eachAnswerAndEachClosedConnectionIsCounted() throws Exception {
        String good = OruToFhirTest.message("01-mayo-vgcc-nm.hl7").replace("MRN-1001", "MRN-" + UUID.randomUUID());
        java.util.Map<String, Double> before = v2Counts();
        assertThat(field(send(good), "/MSA-1")).isEqualTo("AA");
        assertThat(field(send(good.replace("|P|2.5.1", "|P|2.6")), "/MSA-1")).isEqualTo("AR");
        assertThat(field(send(good.replace("||0.45|", "||positive|")), "/MSA-1")).isEqualTo("AE");
        try (Socket socket = new Socket("localhost", listener.port())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write("MSH|no start block\r".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(new byte[]{MllpListener.END, MllpListener.CR});
            assertThat(readAnswer(socket.getInputStream())).as("closed").isEqualTo(-1);
        }
        java.util.Map<String, Double> after = org.lemstriage.testsupport.Eventually.await(this::v2Counts,
                counts -> counts.getOrDefault("reason=not-mllp", 0.0) > before.getOrDefault("reason=not-mllp", 0.0), WAIT);
        for (String series : List.of("ack=aa", "ack=ar", "ack=ae", "reason=not-mllp")) {
            assertThat(after.getOrDefault(series, 0.0) - before.getOrDefault(series, 0.0)).as(series).isEqualTo(1.0);
        }
        assertThat(after).containsKeys("ack=none", "reason=read-timeout", "reason=not-allowed-sender", "reason=not-taken");
    }

    /** lemstriage_v2_messages_total by ack and lemstriage_v2_connections_closed_total by reason, from /q/metrics. */
    private java.util.Map<String, Double> v2Counts() {
        String metrics = io.restassured.RestAssured.get("/q/metrics").then().statusCode(200).extract().asString();
        java.util.Map<String, Double> counts = new java.util.HashMap<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                "lemstriage_v2_(?:messages|connections_closed)_total\\{[^}]*?((?:ack|reason)=\"[a-z-]+\")[^}]*} ([0-9.E]+)").matcher(metrics);
        while (m.find()) {
            counts.put(m.group(1).replace("\"", ""), Double.parseDouble(m.group(2)));
        }
        return counts;
    }

    @Test
    void aResultTheFhirPathRefusesIsAeNamingTheObxField() throws Exception {
        // A P/Q-type VGCC in mg/dL: a mass concentration the molar threshold cannot be compared with (LabResultMapper)
        Message error = send(OruToFhirTest.message("01-mayo-vgcc-nm.hl7").replace("|nmol/L^nmol/L^UCUM|", "|mg/dL^mg/dL^UCUM|"));
        assertThat(field(error, "/MSA-1")).isEqualTo("AE");
        assertThat(field(error, "/ERR-2-1") + "^" + field(error, "/ERR-2-2") + "^" + field(error, "/ERR-2-3")).isEqualTo("OBX^1^6");
    }

    @Test
    void twoMessagesInOneWriteAreAnsweredInTurn() throws Exception {
        String first = OruToFhirTest.message("04-sox1-qualitative-cwe.hl7");
        String second = OruToFhirTest.message("08-sox1-negative-as-st-v231.hl7");
        try (Socket socket = new Socket("localhost", listener.port())) {
            socket.setSoTimeout(60_000);
            socket.getOutputStream().write(concat(frame(first), frame(second)));
            InputStream in = socket.getInputStream();
            assertThat(readFrame(in)).contains("|AA|" + controlId(first));
            assertThat(readFrame(in)).contains("|AA|" + controlId(second));
        }
    }

    /**
     * The vendor-quirk corpus (src/test/resources/hl7v2/quirks, Epic Beaker, Cerner, Mayo, ARUP, Labcorp and
     * 2.5.1 ELR shapes) over real TCP, each message put on the wire with the segment endings its row names: every one
     * is answered, with the ACK code, ERR-2 location and ERR-3 code (HL7 Table 0357) of expected.tsv, a batch with one
     * ACK per message; and its AuditEvent counts the tracked results published and the OBX left untracked.
     */
    @TestFactory
    Stream<DynamicTest> eachMessageOfTheQuirkCorpusGetsTheAnswerExpected() throws IOException {
        return quirks().stream().map(row -> DynamicTest.dynamicTest(row[0] + " (" + row[1] + ")", () -> {
            String ending = switch (row[1]) {
                case "CR" -> "\r";
                case "LF" -> "\n";
                default -> "\r\n";
            };
            String file = V2Corpus.resource("quirks/" + row[0]);
            List<String> lines = file.lines().toList();
            String wire = String.join(ending, lines) + ending;
            List<String> controlIds = lines.stream().filter(l -> l.startsWith("MSH")).map(l -> l.split("\\|", -1)[9]).toList();
            String answer;
            try (TopicProbe audit = TopicProbe.fromNow(KafkaBroker.bootstrapServers(), Topics.TRIAGE_AUDIT);
                 Socket socket = new Socket("localhost", listener.port())) {
                socket.setSoTimeout(60_000);
                socket.getOutputStream().write(frame(wire));
                answer = readFrame(socket.getInputStream());
                int published = 0;
                int untracked = 0;
                // One AuditEvent per message; a batch's come together, so they are read in one go
                java.util.Set<String> waiting = new java.util.HashSet<>(controlIds);
                List<ConsumerRecord<String, String>> events = audit.pollUntil(r -> {
                    waiting.removeIf(id -> r.value().contains("ORU^R01 " + id + "\""));
                    return waiting.isEmpty();
                }, WAIT);
                assertThat(waiting).as("messages without an AuditEvent").isEmpty();
                for (String controlId : controlIds) {
                    String event = events.stream().map(ConsumerRecord::value).filter(v -> v.contains("ORU^R01 " + controlId + "\""))
                            .findFirst().orElseThrow();
                    java.util.regex.Matcher counts = java.util.regex.Pattern.compile("published (\\d+), untracked (\\d+)").matcher(event);
                    assertThat(counts.find()).as(event).isTrue();
                    published += Integer.parseInt(counts.group(1));
                    untracked += Integer.parseInt(counts.group(2));
                }
                assertThat(published).as("tracked results published").isEqualTo(Integer.parseInt(row[5]));
                assertThat(untracked).as("OBX counted as untracked").isEqualTo(Integer.parseInt(row[6]));
            }
            List<String> acks = new java.util.ArrayList<>();
            List<String> locations = new java.util.ArrayList<>();
            List<String> codes = new java.util.ArrayList<>();
            for (String segment : answer.split("\r")) {
                String[] f = segment.split("\\|", -1);
                if (segment.startsWith("MSA")) {
                    acks.add(f[1]);
                    locations.add("");
                    codes.add("");
                } else if (segment.startsWith("ERR") && !acks.isEmpty()) {
                    locations.set(acks.size() - 1, f[2]);
                    codes.set(acks.size() - 1, f[3].split("\\^")[0]);
                }
            }
            assertThat(String.join(",", acks)).as(answer).isEqualTo(row[2]);
            assertThat(String.join(",", locations)).as(answer).isEqualTo(row[3]);
            assertThat(String.join(",", codes)).as(answer).isEqualTo(row[4]);
            if (controlIds.size() > 1) {
                // A batch is answered with a batch of the same envelope, naming the sender's batch control id (BHS-12)
                String bhs = lines.stream().filter(l -> l.startsWith("BHS")).findFirst().orElseThrow();
                assertThat(answer).as("a batch is answered with a batch").startsWith(lines.get(0).substring(0, 3))
                        .contains("\rBTS|" + controlIds.size() + "\r").contains("|" + bhs.split("\\|", -1)[10] + "\rMSH|");
                assertThat(answer.endsWith("\rFTS|1\r")).isEqualTo(lines.get(0).startsWith("FHS"));
            }
        }));
    }

    /**
     * A property over MLLP: OBX-2, OBX-11 and OBX-5 drawn at random on tracked, untracked and
     * code-less lines, free text of any script and any delimiter (escaped as HL7 escapes it) in PID-5, OBX-5 and NTE,
     * segments ended at random; all on one connection, as an engine sends. Every message is answered (AA, or AE naming
     * its OBX or PID; never AR, never a closed connection); an untracked line is always AA. Tries:
     * {@code -Dlemstriage.test.v2-tries} (200); the seed is printed.
     */
    @Test
    void anyTypeStatusValueAndFreeTextGetsAnAnswer() throws Exception {
        HostileText.Seeded seeded = HostileText.Seeded.forTest("MllpIT.anyTypeStatusValueAndFreeTextGetsAnAnswer");
        java.util.Random random = seeded.random();
        int tries = Integer.getInteger("lemstriage.test.v2-tries", 200);
        List<String> types = List.of("NM", "SN", "ST", "TX", "FT", "CE", "CWE", "ED", "DT", "TS", "RP", "CNE", "", "XYZ");
        List<String> statuses = List.of("F", "C", "P", "U", "X", "D", "W", "I", "O", "N", "R", "S", "", "Q");
        List<String> codes = List.of("CCPQ^P/Q-Type Calcium Channel Ab^L", "82444-1^SOX1 Ab^LN", "HGB^Haemoglobin^L", "");
        List<String> texts = seeded.draw(HostileText.freeText(), tries * 3);
        List<String> endings = List.of("\r", "\n", "\r\n");
        try (Socket socket = new Socket("localhost", listener.port())) {
            socket.setSoTimeout(60_000);
            for (int i = 0; i < tries; i++) {
                String code = codes.get(random.nextInt(codes.size()));
                String value = switch (random.nextInt(6)) {
                    case 0 -> "";
                    case 1 -> "0.45";
                    case 2 -> "<^20";
                    case 3 -> "^1^:^240";
                    case 4 -> "10828004^Positive^SCT";
                    default -> HostileText.escapeV2(texts.get(3 * i + 1));
                };
                String er7 = String.join("\r",
                        "MSH|^~\\&|MAYOLINK|MAYO|LEMS|HOSP|20261122081500-0600||ORU^R01^ORU_R01|PROP-" + i + "-" + UUID.randomUUID() + "|P|2.5.1||||||UNICODE UTF-8",
                        "PID|1||PROP-" + UUID.randomUUID() + "^^^HOSP&1.2.36.146.595.217.0.1&ISO^MR||" + HostileText.escapeV2(texts.get(3 * i)) + "^Jane||19580312|F",
                        "OBR|1|PL-1|MC-PROP-" + UUID.randomUUID() + "^MAYO|CCPQ^P/Q-Type Calcium Channel Ab^L|||20261121093000-0600",
                        "OBX|1|" + types.get(random.nextInt(types.size())) + "|" + code + "||" + value + "|nmol/L^nmol/L^UCUM|<=0.02|H|||"
                                + statuses.get(random.nextInt(statuses.size())) + "|||20261121093000-0600",
                        "NTE|1||" + HostileText.escapeV2(texts.get(3 * i + 2))) + "\r";
                String wire = er7.replace("\r", endings.get(random.nextInt(3)));
                socket.getOutputStream().write(frame(wire, StandardCharsets.UTF_8));
                String answer = readFrame(socket.getInputStream());
                String ack = answer.replaceAll("(?s).*\rMSA\\|(\\w\\w)\\|.*", "$1");
                String context = "try " + i + " (seed " + seeded.seed() + "): " + er7 + " -> " + answer;
                assertThat(ack).as(context).isIn("AA", "AE");
                if (code.startsWith("HGB") || code.isEmpty()) {
                    assertThat(ack).as("an untracked line never refuses the message; " + context).isEqualTo("AA");
                } else if (ack.equals("AE")) {
                    assertThat(answer).as(context).containsPattern("\\rERR\\|\\|(OBX\\^1\\^(2|5|6|11|14)|PID\\^1\\^3)");
                }
            }
        }
        assertThat(field(send(OruToFhirTest.message("04-sox1-qualitative-cwe.hl7")), "/MSA-1")).isEqualTo("AA");
    }

    private static List<String[]> quirks() throws IOException {
        return V2Corpus.resource("quirks/expected.tsv").lines().filter(l -> !l.startsWith("#") && !l.isBlank())
                .map(l -> java.util.Arrays.copyOf(l.split("\t", -1), 8)).toList();
    }

    /** What a sender may put on the wire that is not an MLLP frame of an acceptable message. */
    private record BrokenFrame(String name, byte[] bytes, boolean senderStalls) {
    }

    private static List<BrokenFrame> brokenFrames() throws IOException {
        String good = OruToFhirTest.message("01-mayo-vgcc-nm.hl7");
        byte[] garbage = new byte[4096];
        new java.util.Random(7).nextBytes(garbage);
        byte[] whole = frame(good);
        String manySegments = good + "NTE|1||comment\r".repeat(2001);
        return List.of(
                new BrokenFrame("no start block", concat(good.getBytes(StandardCharsets.US_ASCII), new byte[]{MllpListener.END, MllpListener.CR}), false),
                new BrokenFrame("binary garbage", concat(garbage, new byte[]{MllpListener.END, MllpListener.CR}), false),
                new BrokenFrame("truncated frame, the sender stalls", java.util.Arrays.copyOf(whole, whole.length / 2), true),
                new BrokenFrame("start block and nothing else, the sender stalls", new byte[]{MllpListener.START}, true),
                new BrokenFrame("a 50 MiB frame", fiftyMebibytes(), false),
                new BrokenFrame("bytes beyond ASCII without MSH-18", frame(good.replace("Doe^Jane", "Doe^J\u00f6rg"), StandardCharsets.ISO_8859_1), false),
                new BrokenFrame("more segments than allowed", frame(manySegments), false));
    }

    @TestFactory
    Stream<DynamicTest> aBrokenFrameClosesItsConnectionWithoutAnswerAndTheListenerStaysUp() throws IOException {
        return brokenFrames().stream().map(broken -> DynamicTest.dynamicTest(broken.name(), () -> {
            try (Socket raw = new Socket("localhost", listener.port())) {
                // The read timeout is 3 s in tests: a stalled sender is cut off well within this
                raw.setSoTimeout(15_000);
                long t0 = System.nanoTime();
                try {
                    raw.getOutputStream().write(broken.bytes());
                    raw.getOutputStream().flush();
                } catch (java.net.SocketException closedWhileWriting) {
                    // the listener closed the connection before the 50 MiB were all written: as it should
                }
                assertThat(readAnswer(raw.getInputStream())).as("closed without an answer").isEqualTo(-1);
                if (broken.senderStalls()) {
                    assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("cut off by the read timeout").isGreaterThan(Duration.ofSeconds(2));
                }
            }
            assertThat(field(send(OruToFhirTest.message("04-sox1-qualitative-cwe.hl7")), "/MSA-1")).as("the listener is still up").isEqualTo("AA");
        }));
    }

    @Test
    void bytesBeyondAsciiAreTakenWhenMsh18NamesTheirCharacterSet() throws Exception {
        String good = OruToFhirTest.message("04-sox1-qualitative-cwe.hl7").replace("Moe^Max", "M\u00f6e^Max");
        assertThat(good).contains("\u00f6");
        String[] segments = good.split("\r", 2);
        String msh = segments[0] + "||||||UNICODE UTF-8"; // MSH-13 to MSH-17 empty, MSH-18
        try (Socket socket = new Socket("localhost", listener.port())) {
            socket.setSoTimeout(60_000);
            socket.getOutputStream().write(frame(msh + "\r" + segments[1], StandardCharsets.UTF_8));
            assertThat(readFrame(socket.getInputStream())).contains("|AA|");
        }
    }

    /** The first byte the listener sends, or -1 when it closed the connection (a reset counts as closed). */
    private static int readAnswer(InputStream in) throws IOException {
        try {
            return in.read();
        } catch (java.net.SocketException reset) {
            return -1;
        }
    }

    private static byte[] frame(String er7) {
        return frame(er7, StandardCharsets.US_ASCII);
    }

    private static byte[] frame(String er7, java.nio.charset.Charset charset) {
        return concat(new byte[]{MllpListener.START}, er7.getBytes(charset), new byte[]{MllpListener.END, MllpListener.CR});
    }

    private static byte[] fiftyMebibytes() {
        byte[] frame = new byte[50 * 1024 * 1024];
        java.util.Arrays.fill(frame, (byte) 'A');
        frame[0] = MllpListener.START;
        frame[frame.length - 2] = MllpListener.END;
        frame[frame.length - 1] = MllpListener.CR;
        return frame;
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** One answer frame's message, read up to its end block. */
    private static String readFrame(InputStream in) throws IOException {
        java.io.ByteArrayOutputStream message = new java.io.ByteArrayOutputStream();
        int b = in.read();
        assertThat(b).as("start block").isEqualTo(MllpListener.START);
        while ((b = in.read()) != MllpListener.END) {
            assertThat(b).as("end of stream before the end block").isNotEqualTo(-1);
            message.write(b);
        }
        assertThat(in.read()).isEqualTo(MllpListener.CR);
        return message.toString(StandardCharsets.ISO_8859_1);
    }

    private static String controlId(String er7) {
        return er7.substring(0, er7.indexOf('\r')).split("\\|")[9];
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
