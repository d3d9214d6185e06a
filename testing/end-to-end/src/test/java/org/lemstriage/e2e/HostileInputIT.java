package org.lemstriage.e2e;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.lemstriage.model.Topics;
import org.lemstriage.model.event.EventJson;
import org.lemstriage.model.event.TriageDecision;
import org.lemstriage.model.fhir.EhrIdentifiers;
import org.lemstriage.model.kafka.DeadLetterReplay;
import org.lemstriage.testsupport.BrokerAndSandbox;
import org.lemstriage.testsupport.HostileText;
import org.lemstriage.testsupport.TopicProbe;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile input end to end, on the EHR of the run (the sandbox, or HAPI FHIR JPA): HL7 v2 results whose patient
 * identifier is hostile or odd reach the patient PID-3 names, or nobody; none stops a channel or leaves its value in a
 * log or a health answer; a result without a value withdraws nothing, and OBX-11 U makes a preliminary value final.
 */
@BrokerAndSandbox
class HostileInputIT {
    private static final String MRN_SYSTEM = "urn:oid:1.2.36.146.595.217.0.1";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** Tries of the property (each a patient, a message and its Task or its parking); -Dlemstriage.test.hostile-tries */
    private static final int TRIES = Integer.getInteger("lemstriage.test.hostile-tries", 40);
    private static Pipeline pipeline;

    @BeforeAll
    static void start(BrokerAndSandbox.Infrastructure infrastructure) throws Exception {
        pipeline = Pipeline.get(infrastructure);
    }

    /** An identifier that breaks a URI stops no channel; later decisions still read the EHR. */
    @Test
    void aMarkupIdentifierIsParkedAndTheNextPatientStillGetsItsContext() throws Exception {
        String tag = tag();
        String hostile = "SECX<img src=x onerror=alert(101)><script>alert(102)</script>" + tag;
        List<String> findable = List.of(tag, "onerror=alert");
        String good = "HOST-OK-" + tag;
        createPatient(good);
        try (TopicProbe decisions = probe(Topics.TRIAGE_DECISION); TopicProbe parked = probe(Topics.TRIAGE_DECISION_DLQ)) {
            assertThat(send(oru(hostile, "CX-" + tag, "F", "0.45", "NM"), "\r")).contains("MSA|AA|");
            TriageDecision first = decision(decisions, key(hostile));
            assertThat(first.context()).isEqualTo(TriageDecision.ContextStatus.UNAVAILABLE);
            assertThat(first.explanation()).contains("no Patient in the EHR carries").doesNotContain(hostile);
            assertThat(reason(parked, first.decisionId())).startsWith("patient-not-found");

            assertThat(send(oru(good, "CG-" + tag, "F", "0.45", "NM"), "\n")).contains("MSA|AA|");
            TriageDecision next = decision(decisions, key(good));
            assertThat(next.context()).as("the EHR is still read for the next patient").isEqualTo(TriageDecision.ContextStatus.AVAILABLE);
            assertThat(Pipeline.await(() -> tasks(next.episodeId()), t -> !t.isEmpty()))
                    .allSatisfy(t -> assertThat(t.getFor().getIdentifier().getValue()).isEqualTo(good));
        }
        assertHealthyAndSilentAbout(findable);
    }

    /** A comma in an identifier is a character of the value, never FHIR search's OR. */
    @Test
    void aCommaInAnIdentifierNeverReachesTheOtherPatient() throws Exception {
        String tag = tag();
        String other = "SECPROBE-3" + tag;
        String injected = "SECPROBE-INJ" + tag + "," + other;
        createPatient(other);
        try (TopicProbe decisions = probe(Topics.TRIAGE_DECISION); TopicProbe parked = probe(Topics.TRIAGE_DECISION_DLQ)) {
            assertThat(send(oru(injected, "CI-" + tag, "F", "0.45", "NM"), "\r\n")).contains("MSA|AA|");
            TriageDecision decision = decision(decisions, key(injected));
            assertThat(decision.context()).as("not the other patient's record").isEqualTo(TriageDecision.ContextStatus.UNAVAILABLE);
            assertThat(decision.deltaP()).noneMatch(i -> i.source() != null && i.source().startsWith("Patient/"));
            assertThat(reason(parked, decision.decisionId())).startsWith("patient-not-found");
            assertThat(tasks(decision.episodeId())).as("nothing written").isEmpty();
        }
    }

    /** Two Patients with one identifier: neither is written to. */
    @Test
    void anIdentifierTwoPatientsCarryIsParkedAsNotUnique() throws Exception {
        String tag = tag();
        String twice = "DUP-" + tag;
        createPatient(twice);
        createPatient(twice);
        try (TopicProbe decisions = probe(Topics.TRIAGE_DECISION); TopicProbe parked = probe(Topics.TRIAGE_DECISION_DLQ)) {
            assertThat(send(oru(twice, "CD-" + tag, "F", "0.45", "NM"), "\r")).contains("MSA|AA|");
            TriageDecision decision = decision(decisions, key(twice));
            assertThat(reason(parked, decision.decisionId())).startsWith("patient-not-unique");
            assertThat(tasks(decision.episodeId())).isEmpty();
        }
    }

    /**
     * A result for a patient the EHR registers later waits on the DLQ as patient-not-found. Once the Patient exists, the
     * parked decision is replayed twice, as two operators replaying at the same instant would (the replay ledger stops
     * a second replay asked later): the notifier reads both, and the EHR holds the episode's Tasks once.
     */
    @Test
    void aDecisionParkedUntilThePatientIsRegisteredAndReplayedTwiceIsWrittenOnce() throws Exception {
        String tag = tag();
        String mrn = "LATE-" + tag;
        try (TopicProbe decisions = probe(Topics.TRIAGE_DECISION); TopicProbe parked = probe(Topics.TRIAGE_DECISION_DLQ)) {
            assertThat(send(oru(mrn, "CL-" + tag, "F", "0.45", "NM"), "\r")).contains("MSA|AA|");
            TriageDecision decision = decision(decisions, key(mrn));
            ConsumerRecord<String, String> parking = parked.awaitRecord(r -> r.value().contains(decision.decisionId()), WAIT);
            assertThat(header(parking, DeadLetterReplay.REASON)).startsWith("patient-not-found");
            assertThat(tasks(decision.episodeId())).isEmpty();

            createPatient(mrn);
            List<RecordMetadata> replays = new ArrayList<>();
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers", pipeline.bootstrap, "acks", "all"),
                    new StringSerializer(), new StringSerializer())) {
                for (int i = 0; i < 2; i++) {
                    replays.add(producer.send(DeadLetterReplay.of(parking)).get());
                }
            }
            assertThat(replays).extracting(RecordMetadata::topic).containsOnly(Topics.TRIAGE_DECISION);
            awaitNotifierPast(replays.get(1));
            List<Task> written = tasks(decision.episodeId());
            assertThat(written).isNotEmpty().allSatisfy(t -> assertThat(t.getFor().getIdentifier().getValue()).isEqualTo(mrn));
            assertThat(written.stream().map(t -> t.getIdentifierFirstRep().getSystem() + "|" + t.getIdentifierFirstRep().getValue()))
                    .as("each Task once").doesNotHaveDuplicates();
            assertThat(parked.pollFor(Duration.ofSeconds(2))).noneMatch(r -> r.value().contains(decision.decisionId()));
        }
    }

    /**
     * A later final without a value (empty OBX-5) withdraws nothing; the Tasks stay for the worklist. A SOX1
     * positive sent after it, for the same patient (same partition, so read after it), is the marker: its decision is
     * the next one, an UPDATE, and none came between.
     */
    @Test
    void aLaterFinalWithoutAValueWithdrawsNothing() throws Exception {
        String tag = tag();
        String mrn = "NOVAL" + tag;
        createPatient(mrn);
        try (TopicProbe decisions = probe(Topics.TRIAGE_DECISION)) {
            assertThat(send(oru(mrn, "NV1" + tag, "F", "0.45", "NM"), "\r")).contains("MSA|AA|");
            TriageDecision opened = decision(decisions, key(mrn));
            Pipeline.await(() -> tasks(opened.episodeId()), t -> !t.isEmpty());
            String valueless = oru(mrn, "NV2" + tag, "F", "", "NM").replace("20261102100000-0600", "20261103100000-0600");
            assertThat(send(valueless, "\r")).contains("MSA|AA|");
            String sox1 = oru(mrn, "NV3" + tag, "F", "10828004^Positive^SCT", "CWE").replace("CCPQ^P/Q-Type Calcium Channel Ab^L", "82444-1^SOX1 Ab^LN");
            assertThat(send(sox1, "\r")).contains("MSA|AA|");
            TriageDecision next = decision(decisions, key(mrn));
            assertThat(next.action()).as("the next decision is the SOX1 positive's, not a withdrawal").isEqualTo(TriageDecision.Action.UPDATE);
            assertThat(tasks(opened.episodeId())).isNotEmpty().noneMatch(t -> t.getStatus() == Task.TaskStatus.CANCELLED);
        }
    }

    /** OBX-11 U after a preliminary positive makes its value final: the Task appears. */
    @Test
    void aStatusChangeToFinalAfterAPreliminaryPositiveOpensTheEpisode() throws Exception {
        String tag = tag();
        String mrn = "STATU-" + tag;
        createPatient(mrn);
        try (TopicProbe decisions = probe(Topics.TRIAGE_DECISION)) {
            assertThat(send(oru(mrn, "U1-" + tag, "P", "0.45", "NM"), "\r")).contains("MSA|AA|");
            String finalised = oru(mrn, "U2-" + tag, "U", "", "").replace("20261102100000-0600", "20261103100000-0600");
            assertThat(send(finalised, "\n")).contains("MSA|AA|");
            TriageDecision opened = decision(decisions, key(mrn));
            assertThat(opened.action()).isEqualTo(TriageDecision.Action.OPEN);
            assertThat(Pipeline.await(() -> tasks(opened.episodeId()), t -> !t.isEmpty())).isNotEmpty();
        }
    }

    /**
     * The property: identifiers of any characters, segments ended any way; half the patients are
     * in the EHR. Every message is answered AA; every Task written names exactly the identifier its message named;
     * every patient the EHR does not hold is parked; no channel goes DOWN; no identifier reaches a log or a health answer.
     */
    @Test
    void anyIdentifierReachesItsOwnPatientOrNobody() throws Exception {
        HostileText.Seeded seeded = HostileText.Seeded.forTest("HostileInputIT.anyIdentifierReachesItsOwnPatientOrNobody");
        List<String> values = seeded.draw(HostileText.identifierValue(), TRIES);
        List<String> endings = List.of("\r", "\n", "\r\n");
        Map<String, Boolean> inEhr = new HashMap<>();
        List<String> mrns = new ArrayList<>();
        List<String> tags = new ArrayList<>();
        try (TopicProbe decisions = probe(Topics.TRIAGE_DECISION); TopicProbe parked = probe(Topics.TRIAGE_DECISION_DLQ)) {
            for (int i = 0; i < values.size(); i++) {
                String unique = tag();
                String mrn = values.get(i) + "~" + unique; // unique per try; its tag is findable in a log, however escaped
                tags.add(unique);
                boolean held = seeded.random().nextBoolean();
                if (held) {
                    createPatient(mrn);
                }
                inEhr.put(key(mrn), held);
                mrns.add(mrn);
                String answer = send(oru(mrn, "P" + i + "-" + tag(), "F", "0.45", "NM"), endings.get(seeded.random().nextInt(3)));
                assertThat(answer).as("value %s (seed %d)", mrn, seeded.seed()).contains("MSA|AA|");
            }
            Map<String, TriageDecision> decided = new HashMap<>();
            decisions.pollUntil(r -> {
                if (inEhr.containsKey(r.key())) {
                    decided.putIfAbsent(r.key(), read(r.value()));
                }
                return decided.size() == inEhr.size();
            }, Duration.ofSeconds(120));
            assertThat(decided.keySet()).as("a decision for every patient (seed %d)", seeded.seed()).containsExactlyInAnyOrderElementsOf(inEhr.keySet());
            long notHeld = inEhr.values().stream().filter(h -> !h).count();
            Map<String, String> reasons = new HashMap<>();
            parked.pollUntil(r -> {
                decided.values().stream().filter(d -> r.value().contains(d.decisionId())).findFirst()
                        .ifPresent(d -> reasons.put(d.patientKey(), header(r, "dead-letter-reason")));
                return reasons.size() >= notHeld;
            }, Duration.ofSeconds(120));
            for (String mrn : mrns) {
                TriageDecision decision = decided.get(key(mrn));
                if (inEhr.get(key(mrn))) {
                    List<Task> written = Pipeline.await(() -> tasks(decision.episodeId()), t -> !t.isEmpty());
                    assertThat(written).as("Tasks of %s (seed %d)", mrn, seeded.seed())
                            .allSatisfy(t -> assertThat(t.getFor().getIdentifier().getValue()).isEqualTo(mrn));
                } else {
                    assertThat(reasons.get(key(mrn))).as("parked: %s (seed %d)", mrn, seeded.seed()).startsWith("patient-not-found");
                    assertThat(tasks(decision.episodeId())).isEmpty();
                }
            }
        }
        assertHealthyAndSilentAbout(tags);
    }

    /** Every service live and ready, and none of {@code values} (the identifiers' unique tags) in a health answer or log. */
    private static void assertHealthyAndSilentAbout(List<String> values) throws Exception {
        for (ServiceProcess service : List.of(pipeline.ingest, pipeline.classifier, pipeline.notifier)) {
            for (String probe : List.of("/q/health/live", "/q/health/ready")) {
                HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(URI.create(service.baseUrl() + probe)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(health.statusCode()).as(service.baseUrl() + probe + ": " + health.body()).isEqualTo(200);
                assertThat(values).noneMatch(health.body()::contains);
            }
            String log = service.logSinceLaunch();
            assertThat(values).as("identifiers in the log of " + service.baseUrl()).noneMatch(log::contains);
        }
    }

    /**
     * A Mayo-shaped ORU^R01 in UTF-8 (MSH-18), PID-3 {@code mrn} escaped as HL7 v2 escapes it; an empty value leaves
     * OBX-5 empty. Its filler order number is the control id after its first dash, so NV1-x and NV2-x are one result.
     */
    private static String oru(String mrn, String controlId, String status, String value, String type) {
        return String.join("\r",
                "MSH|^~\\&|MAYOLINK|MAYO|LEMS|HOSP|20261102100000-0600||ORU^R01^ORU_R01|" + controlId + "|P|2.5.1||||||UNICODE UTF-8",
                "PID|1||" + HostileText.escapeV2(mrn) + "^^^HOSP&1.2.36.146.595.217.0.1&ISO^MR||Doe^Jane||19580312|F",
                "OBR|1|PL-1|MC" + controlId.substring(controlId.indexOf('-')) + "^MAYO|CCPQ^P/Q-Type Calcium Channel Ab^L|||20261102093000-0600",
                "OBX|1|" + type + "|CCPQ^P/Q-Type Calcium Channel Ab^L||" + value + "|nmol/L^nmol/L^UCUM|<=0.02|"
                        + (value.isEmpty() ? "" : "H") + "|||" + status + "|||20261102093000-0600") + "\r";
    }

    /** One message over MLLP (raw TCP), its segments ended by {@code ending}; the answer's text. */
    private static String send(String er7, String ending) throws Exception {
        byte[] body = er7.replace("\r", ending).getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket("localhost", pipeline.mllpPort)) {
            socket.setSoTimeout(60_000);
            ByteArrayOutputStream frame = new ByteArrayOutputStream();
            frame.write(0x0b);
            frame.write(body);
            frame.write(new byte[]{0x1c, 0x0d});
            socket.getOutputStream().write(frame.toByteArray());
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            assertThat(in.read()).as("start block").isEqualTo(0x0b);
            for (int b = in.read(); b != 0x1c; b = in.read()) {
                assertThat(b).as("the connection closed before the answer ended").isNotEqualTo(-1);
                answer.write(b);
            }
            return answer.toString(StandardCharsets.UTF_8);
        }
    }

    private static void createPatient(String mrn) {
        pipeline.ehr.create().resource(new Patient().addIdentifier(new Identifier().setSystem(MRN_SYSTEM).setValue(mrn))
                .setBirthDateElement(new DateType("1950-04-01"))).execute();
    }

    /** The notifier's group has committed past that record: it read it, and whatever it wrote is in the EHR. */
    private static void awaitNotifierPast(RecordMetadata record) throws InterruptedException {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", pipeline.bootstrap))) {
            long committed = Pipeline.await(() -> {
                try {
                    OffsetAndMetadata at = admin.listConsumerGroupOffsets("lems-triage-notifier").partitionsToOffsetAndMetadata().get().get(partition);
                    return at == null ? -1L : at.offset();
                } catch (Exception e) {
                    return -1L;
                }
            }, at -> at > record.offset());
            assertThat(committed).as("the notifier's committed offset on " + partition).isGreaterThan(record.offset());
        }
    }

    private static String key(String mrn) {
        return "identifier:" + MRN_SYSTEM + "|" + mrn;
    }

    private static String tag() {
        return "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static TopicProbe probe(String topic) {
        return TopicProbe.fromNow(pipeline.bootstrap, topic);
    }

    private static TriageDecision decision(TopicProbe decisions, String key) {
        return read(decisions.awaitRecord(r -> key.equals(r.key()), WAIT).value());
    }

    private static TriageDecision read(String json) {
        try {
            return EventJson.mapper().readValue(json, TriageDecision.class);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String reason(TopicProbe parked, String decisionId) {
        return header(parked.awaitRecord(r -> r.value().contains(decisionId), WAIT), "dead-letter-reason");
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** The episode's Tasks, read fresh (the Task's group identifier is the episode). */
    private static List<Task> tasks(String episodeId) {
        Bundle found = pipeline.ehr.search().forResource(Task.class).cacheControl(Pipeline.FRESH)
                .where(Task.GROUP_IDENTIFIER.exactly().systemAndCode(EhrIdentifiers.EPISODE, episodeId)).returnBundle(Bundle.class).execute();
        return found.getEntry().stream().map(e -> (Task) e.getResource()).toList();
    }
}
