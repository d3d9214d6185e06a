package org.lemstriage.readside;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringSerializer;
import org.hl7.fhir.r4.model.AuditEvent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.lemstriage.readside.deadletter.DeadLetterReplays;
import org.lemstriage.browser.ConsoleBrowser;
import org.lemstriage.model.Topics;
import org.lemstriage.model.event.TriageDecision;
import org.lemstriage.model.fhir.Fhir;
import org.lemstriage.model.kafka.DeadLetterReplay;
import org.lemstriage.testsupport.CdsClientTokensResource;
import org.lemstriage.testsupport.EhrSandboxResource;
import org.lemstriage.testsupport.KafkaBroker;
import org.lemstriage.testsupport.KafkaBrokerResource;
import org.lemstriage.testsupport.KeycloakResource;
import org.lemstriage.testsupport.KeycloakServer;
import org.lemstriage.testsupport.PostgresDatabaseResource;
import org.lemstriage.testsupport.TopicProbe;

import java.io.File;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.lemstriage.readside.StoreFixtures.WAIT;
import static org.lemstriage.readside.StoreFixtures.awaitRows;
import static org.lemstriage.readside.StoreFixtures.json;
import static org.lemstriage.readside.StoreFixtures.rows;

/**
 * The operator's dead-letter tools against the real broker, PostgreSQL and Keycloak: records parked as the services
 * park them are listed with their reasons and no patient data, replayed once to the topic they came from (by the API,
 * the command line and the console in Chromium), audited, and never sent twice however often the replay is asked.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresDatabaseResource.class)
@QuarkusTestResource(CdsClientTokensResource.class)
@QuarkusTestResource(KeycloakResource.class)
@QuarkusTestResource(EhrSandboxResource.class)
class DeadLetterReplayIT {
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    /** A sender's identifier with the characters that break naive code: it must never show on the operator's list */
    private static final String PATIENT = "Patient/dlq-" + RUN + ",<b>&x";
    private static KafkaProducer<String, String> producer;
    private static ConsoleBrowser operatorBrowser;

    @TestHTTPResource("/console/dead-letters")
    URL page;

    @Test
    void aParkedDecisionIsListedWithoutPatientDataReplayedOnceAndAudited_andAskingAgainSendsNothing() throws Exception {
        TriageDecision decision = StoreFixtures.decision("dlq-" + RUN, 1, PATIENT, TriageDecision.Action.OPEN,
                TriageDecision.Tier.HIGH, TriageDecision.RoundState.DUE);
        RecordMetadata place = park(Topics.TRIAGE_DECISION_DLQ, PATIENT, json(decision), Topics.TRIAGE_DECISION,
                "ehr-unavailable: the EHR answered 503 to POST / (transaction)");
        String where = Topics.TRIAGE_DECISION_DLQ + "/" + place.partition() + "/" + place.offset();

        String listed = given().auth().oauth2(operator()).get("/operator/dead-letters/" + Topics.TRIAGE_DECISION_DLQ + "?limit=1000")
                .then().statusCode(200).extract().asString();
        JsonPath list = JsonPath.from(listed);
        Map<String, Object> entry = list.getMap("latest.find { it.offset == " + place.offset() + " && it.partition == " + place.partition() + " }");
        assertThat(entry).containsEntry("cause", "ehr-unavailable").containsEntry("origin", Topics.TRIAGE_DECISION + "/0/41")
                .containsEntry("reason", "ehr-unavailable: the EHR answered 503 to POST / (transaction)").containsEntry("replayed", null);
        assertThat(listed).doesNotContain("dlq-" + RUN);
        // Only an operator: an auditor's token is refused, and no token at all
        given().auth().oauth2(KeycloakServer.shared().token("demo-auditor", "demo-auditor")).get("/operator/dead-letters").then().statusCode(403);
        given().get("/operator/dead-letters").then().statusCode(401);

        try (TopicProbe decisions = TopicProbe.fromNow(KafkaBroker.bootstrapServers(), Topics.TRIAGE_DECISION);
             TopicProbe trail = TopicProbe.fromNow(KafkaBroker.bootstrapServers(), Topics.TRIAGE_AUDIT)) {
            JsonPath replayed = JsonPath.from(given().auth().oauth2(operator())
                    .post("/operator/dead-letters/" + Topics.TRIAGE_DECISION_DLQ + "/" + place.partition() + "/" + place.offset() + "/replay")
                    .then().statusCode(200).extract().asString());
            assertThat(replayed.getString("state")).isEqualTo("REPLAYED");
            assertThat(replayed.getString("detail")).isEqualTo(Topics.TRIAGE_DECISION);

            ConsumerRecord<String, String> sent = decisions.awaitRecord(r -> replayOf(r, where), WAIT);
            assertThat(sent.key()).isEqualTo(PATIENT);
            assertThat(sent.value()).isEqualTo(json(decision));
            assertThat(sent.headers().lastHeader(DeadLetterReplay.REASON)).isNull();
            awaitRows("select count(*) from triage_decision where decision_id = 'dlq-" + RUN + "/1'", 1);

            ConsumerRecord<String, String> audited = trail.awaitRecord(r -> r.value().contains(where), WAIT);
            AuditEvent event = Fhir.r4().newJsonParser().parseResource(AuditEvent.class, audited.value());
            assertThat(event.getAgent()).anySatisfy(a -> assertThat(a.getWho().getDisplay()).isEqualTo("demo-operator"));
            assertThat(event.getEntity()).anySatisfy(e -> {
                assertThat(e.getWhat().getIdentifier().getSystem()).isEqualTo(DeadLetterReplays.PARKED_RECORD);
                assertThat(e.getName()).isEqualTo("parked record replayed to " + Topics.TRIAGE_DECISION);
            });

            // Asked again, one record or the whole topic: the ledger knows it, nothing is sent
            JsonPath again = JsonPath.from(given().auth().oauth2(operator())
                    .post("/operator/dead-letters/" + Topics.TRIAGE_DECISION_DLQ + "/" + place.partition() + "/" + place.offset() + "/replay")
                    .then().statusCode(200).extract().asString());
            assertThat(again.getString("state")).isEqualTo("ALREADY_REPLAYED");
            assertThat(again.getString("detail")).contains("by demo-operator");
            // 207 when another test's record on the topic could not be replayed (a forged origin)
            JsonPath all = JsonPath.from(given().auth().oauth2(operator()).post("/operator/dead-letters/" + Topics.TRIAGE_DECISION_DLQ + "/replay")
                    .then().statusCode(org.hamcrest.Matchers.anyOf(org.hamcrest.Matchers.equalTo(200), org.hamcrest.Matchers.equalTo(207)))
                    .extract().asString());
            assertThat(all.getList("records.parked", String.class)).doesNotContain(where);
            assertThat(decisions.pollFor(Duration.ofSeconds(3))).noneMatch(r -> replayOf(r, where));
            assertThat(rows("select count(*) from triage_decision where decision_id = 'dlq-" + RUN + "/1'")).isEqualTo(1);
        }
        JsonPath after = JsonPath.from(given().auth().oauth2(operator()).get("/operator/dead-letters/" + Topics.TRIAGE_DECISION_DLQ + "?limit=1000")
                .then().statusCode(200).extract().asString());
        assertThat(after.getString("latest.find { it.offset == " + place.offset() + " && it.partition == " + place.partition() + " }.replayed.by"))
                .isEqualTo("demo-operator");
    }

    @Test
    void aHeaderNamingATopicTheDeadLetterTopicDoesNotCollectFromIsRefusedAndAudited() throws Exception {
        RecordMetadata place = park(Topics.TRIAGE_DECISION_DLQ, PATIENT, "{}", Topics.TRIAGE_AUDIT, "unprocessable: forged");
        String where = Topics.TRIAGE_DECISION_DLQ + "/" + place.partition() + "/" + place.offset();
        try (TopicProbe trail = TopicProbe.fromNow(KafkaBroker.bootstrapServers(), Topics.TRIAGE_AUDIT)) {
            JsonPath refused = JsonPath.from(given().auth().oauth2(operator())
                    .post("/operator/dead-letters/" + Topics.TRIAGE_DECISION_DLQ + "/" + place.partition() + "/" + place.offset() + "/replay")
                    .then().statusCode(422).extract().asString());
            assertThat(refused.getString("state")).isEqualTo("NOT_REPLAYABLE");
            List<ConsumerRecord<String, String>> seen = trail.pollUntil(r -> r.value().contains(where), WAIT);
            assertThat(seen).noneMatch(r -> replayOf(r, where)).anySatisfy(r -> assertThat(r.value()).contains(where).contains("not replayed"));
        }
        given().auth().oauth2(operator()).post("/operator/dead-letters/" + Topics.TRIAGE_DECISION + "/0/0/replay").then().statusCode(404);
        given().auth().oauth2(operator()).post("/operator/dead-letters/" + Topics.TRIAGE_DECISION_DLQ + "/0/999999999/replay").then().statusCode(404);
        given().auth().oauth2(operator()).get("/operator/dead-letters?limit=0").then().statusCode(400);
    }

    @Test
    void theCommandLineListsAndReplaysAWholeTopicOnce_andARecreatedTopicsRecordsAreNotTakenForOldOnes() throws Exception {
        KafkaBroker.recreateTopic(Topics.LAB_OBSERVATION_DLQ);
        RecordMetadata first = park(Topics.LAB_OBSERVATION_DLQ, PATIENT, "{\"not\":\"a lab result\"}", Topics.LAB_OBSERVATION, "unreadable: not LabResult JSON");
        try (TopicProbe results = TopicProbe.fromNow(KafkaBroker.bootstrapServers(), Topics.LAB_OBSERVATION)) {
            assertThat(cli("list", Topics.LAB_OBSERVATION_DLQ)).contains("not LabResult JSON").doesNotContain("dlq-" + RUN);
            String replayed = cli("replay-all", Topics.LAB_OBSERVATION_DLQ, "--yes");
            assertThat(replayed).contains("\"REPLAYED\":1");
            results.awaitRecord(r -> replayOf(r, Topics.LAB_OBSERVATION_DLQ + "/" + first.partition() + "/" + first.offset()), WAIT);
            assertThat(cli("replay-all", Topics.LAB_OBSERVATION_DLQ, "--yes")).contains("\"counts\":{}");
        }
        // The topic recreated (restored, moved): its new record 0 is not the old record 0, and is replayed
        KafkaBroker.recreateTopic(Topics.LAB_OBSERVATION_DLQ);
        RecordMetadata second = park(Topics.LAB_OBSERVATION_DLQ, PATIENT, "{\"not\":\"a lab result either\"}", Topics.LAB_OBSERVATION, "unreadable: again");
        assertThat(second.offset()).isEqualTo(first.offset());
        assertThat(cli("replay", Topics.LAB_OBSERVATION_DLQ, String.valueOf(second.partition()), String.valueOf(second.offset()), "--yes"))
                .contains("\"state\":\"REPLAYED\"");
        ProcessResult refused = run(List.of("replay", "no.such.dlq", "0", "0", "--yes"));
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.output()).contains("Not a dead-letter topic").contains("HTTP 404");
    }

    /** Two requests for one record at the same instant (a double click, two operators): one replays it, once. */
    @Test
    void twoReplaysOfOneRecordAtOnceSendItOnce() throws Exception {
        TriageDecision decision = StoreFixtures.decision("dlq-twice-" + RUN, 1, PATIENT, TriageDecision.Action.OPEN,
                TriageDecision.Tier.HIGH, TriageDecision.RoundState.DUE);
        RecordMetadata place = park(Topics.TRIAGE_DECISION_DLQ, PATIENT, json(decision), Topics.TRIAGE_DECISION, "ehr-unavailable: 503");
        String where = Topics.TRIAGE_DECISION_DLQ + "/" + place.partition() + "/" + place.offset();
        String token = operator();
        try (TopicProbe decisions = TopicProbe.fromNow(KafkaBroker.bootstrapServers(), Topics.TRIAGE_DECISION)) {
            java.util.concurrent.ExecutorService two = java.util.concurrent.Executors.newFixedThreadPool(2);
            java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<String>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < 2; i++) {
                answers.add(two.submit(() -> {
                    start.await();
                    return JsonPath.from(given().auth().oauth2(token).post("/operator/dead-letters/" + Topics.TRIAGE_DECISION_DLQ + "/"
                            + place.partition() + "/" + place.offset() + "/replay").then().statusCode(200).extract().asString()).getString("state");
                }));
            }
            start.countDown();
            List<String> states = new java.util.ArrayList<>();
            for (var answer : answers) {
                states.add(answer.get());
            }
            two.shutdown();
            assertThat(states).containsExactlyInAnyOrder("REPLAYED", "ALREADY_REPLAYED");
            assertThat(decisions.pollFor(Duration.ofSeconds(5)).stream().filter(r -> replayOf(r, where))).as("sent").hasSize(1);
        }
    }

    /**
     * A record the audit store parked is stored again by the store itself: it does not go back to its topic, where the
     * notifier would read it too. In the console, after the confirmation page, with no patient view for an operator.
     */
    @Test
    void anOperatorReplaysInTheConsoleAfterConfirming_andSeesNoPatientView() throws Exception {
        org.hl7.fhir.r4.model.AuditEvent stored = org.lemstriage.model.fhir.AuditEvents.rest("transaction", AuditEvent.AuditEventAction.C,
                AuditEvent.AuditEventOutcome._0, null, "notifier", true);
        stored.addEntity().setWhat(new org.hl7.fhir.r4.model.Reference(PATIENT));
        RecordMetadata place = park(Topics.AUDIT_STORE_DLQ, PATIENT, Fhir.r4().newJsonParser().encodeResourceToString(stored), Topics.TRIAGE_AUDIT,
                "unstorable: PostgreSQL refused a value (SQLState 22021)");
        String where = Topics.AUDIT_STORE_DLQ + "/" + place.partition() + "/" + place.offset();
        ConsoleBrowser browser = operatorBrowser();
        browser.open(base() + "/console");
        browser.awaitPage("/console/dead-letters");
        assertThat(browser.texts("header nav a")).containsExactly("Dead letters");
        String row = "section[data-topic='" + Topics.AUDIT_STORE_DLQ + "'] tr[data-place='" + where + "']";
        assertThat(browser.text(row)).contains("unstorable: PostgreSQL refused a value").contains(Topics.TRIAGE_AUDIT + "/0/41");
        assertThat(browser.driver.getPageSource()).doesNotContain("dlq-" + RUN);
        browser.screenshot("dead-letters");
        assertThat(browser.seriousAccessibilityViolations()).isEmpty();

        // The replay below is a posted form: the session cookie (SameSite Lax, Quarkus' default, set explicitly) rides on
        // no other site's post
        assertThat(browser.driver.manage().getCookies()).filteredOn(c -> c.getName().startsWith("q_session"))
                .isNotEmpty().allSatisfy(c -> assertThat(c.getSameSite()).isEqualTo("Lax"));
        // The same post from another site (a page the operator opened elsewhere, the session cookie riding along): refused
        String cookies = browser.driver.manage().getCookies().stream().map(c -> c.getName() + "=" + c.getValue())
                .collect(java.util.stream.Collectors.joining("; "));
        java.net.HttpURLConnection forged = (java.net.HttpURLConnection) java.net.URI.create(base() + "/console/dead-letters/replay").toURL().openConnection();
        forged.setRequestMethod("POST");
        forged.setDoOutput(true);
        forged.setInstanceFollowRedirects(false);
        forged.setRequestProperty("Cookie", cookies);
        forged.setRequestProperty("Origin", "https://intranet-app.hospital.example");
        forged.setRequestProperty("Content-Type", "application/x-www-form-urlencoded");
        forged.getOutputStream().write(("topic=" + Topics.AUDIT_STORE_DLQ + "&partition=" + place.partition() + "&offset=" + place.offset())
                .getBytes(StandardCharsets.UTF_8));
        assertThat(forged.getResponseCode()).isEqualTo(403);
        browser.driver.findElement(org.openqa.selenium.By.cssSelector(row + " .replay-state a")).click();
        browser.awaitPage("/console/dead-letters/confirm");
        assertThat(browser.text("h1")).contains(place.partition() + "/" + place.offset()).contains(Topics.AUDIT_STORE_DLQ);
        assertThat(browser.seriousAccessibilityViolations()).isEmpty();
        try (TopicProbe trail = TopicProbe.fromNow(KafkaBroker.bootstrapServers(), Topics.TRIAGE_AUDIT)) {
            browser.driver.findElement(org.openqa.selenium.By.id("confirm-replay")).click();
            browser.awaitPage("/console/dead-letters/replay");
            assertThat(browser.text("#replay-counts")).isEqualTo("REPLAYED: 1");
            awaitRows("select count(*) from audit_event where event_id = '" + stored.getIdPart() + "'", 1);
            assertThat(trail.pollFor(Duration.ofSeconds(3))).as("nothing sent back to the topic").noneMatch(r -> replayOf(r, where));
        }
        browser.open(page.toString());
        assertThat(browser.text(row + " .replay-state")).contains("replayed to the audit store").contains("by demo-operator");
        // The operator API takes bearer tokens only: the console's session opens nothing there
        assertThat(browser.fetch("/operator/dead-letters")).isEqualTo("401 ");
        for (String patientView : List.of("/console/worklist", "/console/audit", "/console/patient?key=x")) {
            assertThat(browser.fetch(patientView)).as(patientView).isEqualTo("403 ");
        }
        try (ConsoleBrowser auditor = new ConsoleBrowser(Path.of("target/console-screenshots"))) {
            auditor.login(base() + "/console/worklist", "demo-auditor");
            assertThat(auditor.fetch("/console/dead-letters")).isEqualTo("403 ");
            assertThat(auditor.texts("header nav a")).doesNotContain("Dead letters");
        }
    }

    @AfterAll
    static void close() {
        if (operatorBrowser != null) {
            operatorBrowser.close();
        }
        if (producer != null) {
            producer.close();
        }
    }

    private static boolean replayOf(ConsumerRecord<String, String> record, String where) {
        return DeadLetterReplay.header(record.headers(), DeadLetterReplay.REPLAYED_FROM).filter(where::equals).isPresent();
    }

    /** A record parked as the services park it: the record as it came, with the dead-letter headers. */
    private static RecordMetadata park(String dlq, String key, String value, String origin, String reason) throws Exception {
        if (producer == null) {
            producer = new KafkaProducer<>(Map.of("bootstrap.servers", KafkaBroker.bootstrapServers(), "acks", "all"),
                    new StringSerializer(), new StringSerializer());
        }
        RecordHeaders headers = new RecordHeaders();
        headers.add(DeadLetterReplay.REASON, reason.getBytes(StandardCharsets.UTF_8))
                .add(DeadLetterReplay.TOPIC, origin.getBytes(StandardCharsets.UTF_8))
                .add(DeadLetterReplay.PARTITION, "0".getBytes(StandardCharsets.UTF_8))
                .add(DeadLetterReplay.OFFSET, "41".getBytes(StandardCharsets.UTF_8));
        return producer.send(new ProducerRecord<>(dlq, null, key, value, headers)).get();
    }

    private record ProcessResult(int exit, String output) {
    }

    private String cli(String... args) throws Exception {
        ProcessResult result = run(List.of(args));
        assertThat(result.exit()).as(result.output()).isZero();
        return result.output();
    }

    private ProcessResult run(List<String> args) throws Exception {
        File script = Path.of("../../deploy/operator/dead-letters").toFile();
        List<String> command = new java.util.ArrayList<>(List.of("bash", script.getPath()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("LT_READ_SIDE_URL", base());
        builder.environment().put("LT_OPERATOR_TOKEN", operator());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new ProcessResult(process.waitFor(), output);
    }

    private static String operator() {
        return KeycloakServer.shared().token("demo-operator", "demo-operator");
    }

    private ConsoleBrowser operatorBrowser() {
        if (operatorBrowser == null) {
            operatorBrowser = new ConsoleBrowser(Path.of("target/console-screenshots")).login(page.toString(), "demo-operator");
        }
        return operatorBrowser;
    }

    private String base() {
        String url = page.toString();
        return url.substring(0, url.indexOf("/console"));
    }
}
