package org.lemstriage.readside;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import org.lemstriage.readside.kafka.AuditStoreConsumer;
import org.lemstriage.localpostgres.PostgresServer;
import org.lemstriage.model.PatientKey;
import org.lemstriage.model.Topics;
import org.lemstriage.model.event.TriageDecision;
import org.lemstriage.model.fhir.AuditEvents;
import org.lemstriage.model.fhir.EhrIdentifiers;
import org.lemstriage.model.fhir.Fhir;
import org.lemstriage.testsupport.KafkaBroker;
import org.lemstriage.testsupport.CdsClientTokensResource;
import org.lemstriage.testsupport.EhrSandboxResource;
import org.lemstriage.testsupport.KafkaBrokerResource;
import org.lemstriage.testsupport.PostgresDatabase;
import org.lemstriage.testsupport.PostgresDatabaseResource;
import org.lemstriage.testsupport.SenderTokens;
import org.lemstriage.testsupport.KeycloakResource;
import org.lemstriage.testsupport.KeycloakServer;
import org.lemstriage.testsupport.TopicProbe;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.lemstriage.readside.StoreFixtures.WAIT;
import static org.lemstriage.readside.StoreFixtures.awaitRows;
import static org.lemstriage.readside.StoreFixtures.rows;
import static org.lemstriage.readside.StoreFixtures.send;

/**
 * The audit store against the real broker, a real PostgreSQL server and a real OIDC provider (Keycloak): records on triage.audit.v1 and
 * triage.decision.v1 become rows once, whatever the deliveries; the FHIR search API finds them by the IHE Basic Audit
 * Log Patterns' parameters; reading a patient's trail is audited in turn; an unreadable record is parked.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresDatabaseResource.class)
@QuarkusTestResource(CdsClientTokensResource.class)
@QuarkusTestResource(KeycloakResource.class)
@QuarkusTestResource(EhrSandboxResource.class)
class AuditStoreIT {
    @Inject
    KafkaClientService kafka;
    @Inject
    AgroalDataSource database;

    @Test
    void auditEventsAreSearchableByPatientDateActionOutcomeAgentAndEntity() throws Exception {
        String patient = "Patient/audit-" + UUID.randomUUID();
        String decision = UUID.randomUUID() + "/1";
        Instant now = Instant.now();
        send(Topics.TRIAGE_AUDIT, patient, notifierWrite(patient, decision, AuditEvent.AuditEventOutcome._0, now));
        send(Topics.TRIAGE_AUDIT, patient, notifierWrite(patient, decision, AuditEvent.AuditEventOutcome._8, now.plusSeconds(1)));
        send(Topics.TRIAGE_AUDIT, null, ingestRequest("engine-" + UUID.randomUUID(), now));
        awaitRows("select count(*) from audit_event_entity where reference = '" + patient + "'", 2);

        JsonPath both = search("patient=" + patient);
        assertThat(both.getString("resourceType")).isEqualTo("Bundle");
        assertThat(both.getInt("total")).isEqualTo(2);
        // Newest first
        assertThat(both.getList("entry.resource.outcome")).containsExactly("8", "0");
        // Each by the id it was given where it was made
        assertThat(both.getList("entry.resource.id", String.class)).allMatch(id -> UUID.fromString(id).toString().equals(id));
        assertThat(search("patient=" + patient + "&outcome=8").getInt("total")).isEqualTo(1);
        assertThat(search("patient=" + patient + "&action=C").getInt("total")).isEqualTo(2);
        assertThat(search("patient=" + patient + "&action=D").getInt("total")).isZero();
        // Each search above was itself audited (action E, recorded now, naming the patient): action=C leaves those out
        assertThat(search("patient=" + patient + "&action=C&date=ge" + now.plusMillis(500)).getInt("total")).isEqualTo(1);
        assertThat(search("patient=" + patient + "&date=lt" + now.minusSeconds(60)).getInt("total")).isZero();
        assertThat(search("entity.identifier=" + EhrIdentifiers.DECISION + "|" + decision).getInt("total")).isEqualTo(2);
        assertThat(search("agent.identifier=" + AuditEvents.SOFTWARE_SYSTEM + "|lems-triage-notifier&patient=" + patient)
                .getInt("total")).isEqualTo(2);

        // One read by id, and paging: one a page, a next link that gives the other
        String id = both.getString("entry[0].resource.id");
        given().auth().oauth2(auditor()).get("/fhir/AuditEvent/" + id)
                .then().statusCode(200).body("id", org.hamcrest.Matchers.equalTo(id));
        JsonPath first = search("patient=" + patient + "&action=C&_count=1");
        assertThat(first.getList("entry")).hasSize(1);
        String next = first.getString("link.find { it.relation == 'next' }.url");
        assertThat(next).contains("_offset=1");
        JsonPath second = JsonPath.from(given().auth().oauth2(auditor()).get(next)
                .then().statusCode(200).extract().asString());
        assertThat(second.getString("entry[0].resource.id")).isNotEqualTo(first.getString("entry[0].resource.id"));
    }

    @Test
    void aPageHoldsAtMost500AndABadOffsetOrCountIsRefused() throws Exception {
        String patient = "Patient/page-" + UUID.randomUUID();
        Instant now = Instant.now();
        for (int i = 0; i < 503; i++) {
            send(Topics.TRIAGE_AUDIT, patient, notifierWrite(patient, UUID.randomUUID() + "/1", AuditEvent.AuditEventOutcome._0, now.plusMillis(i)));
        }
        awaitRows("select count(*) from audit_event_entity where reference = '" + patient + "'", 503);
        JsonPath capped = search("patient=" + patient + "&action=C&_count=100000");
        assertThat(capped.getInt("total")).isEqualTo(503);
        assertThat(capped.getList("entry")).hasSize(500);
        assertThat(capped.getString("link.find { it.relation == 'next' }.url")).contains("_offset=500").contains("_count=500");
        assertThat(search("patient=" + patient + "&action=C&_offset=500&_count=100000").getList("entry")).hasSize(3);
        for (String bad : List.of("_offset=-1&_count=1", "_count=-1", "_count=abc", "_offset=1e3", "_offset=x&_count=5", "_count=", "_count=1&_count=2")) {
            given().auth().oauth2(auditor()).get("/fhir/AuditEvent?patient=" + patient + "&" + bad).then().log().ifValidationFails()
                    .statusCode(400).body("resourceType", org.hamcrest.Matchers.equalTo("OperationOutcome"))
                    .body("issue[0].diagnostics", org.hamcrest.Matchers.containsString(bad.startsWith("_offset") ? "_offset" : "_count"));
        }
    }

    @Test
    void answersHoldingPatientDataAreNotCachedAndDoNotNameTheServer() {
        io.restassured.response.Response answer = given().auth().oauth2(auditor()).get("/fhir/AuditEvent?_count=1");
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.header("Cache-Control")).isEqualTo("no-store");
        assertThat(answer.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(answer.header("X-Powered-By")).isNull();
        assertThat(given().auth().oauth2(auditor()).get("/fhir/metadata").header("X-Powered-By")).isNull();
    }

    @Test
    void theServiceRunsAsARoleThatMayAddButNeverChangeOrDeleteATrail() throws Exception {
        String patient = "Patient/append-only-" + UUID.randomUUID();
        send(Topics.TRIAGE_AUDIT, patient, notifierWrite(patient, UUID.randomUUID() + "/1", AuditEvent.AuditEventOutcome._0, Instant.now()));
        awaitRows("select count(*) from audit_event_entity where reference = '" + patient + "'", 1);
        try (Connection service = database.getConnection(); ResultSet who = service.createStatement().executeQuery("select current_user")) {
            who.next();
            assertThat(who.getString(1)).isEqualTo(PostgresServer.SERVICE_USER);
        }
        String url = PostgresDatabase.shared().jdbcUrl();
        try (Connection app = DriverManager.getConnection(url, PostgresServer.SERVICE_USER, "")) {
            for (String change : List.of("delete from audit_event", "update audit_event set outcome = '0'", "delete from audit_event_entity",
                    "delete from triage_decision", "update triage_decision set action = 'CLOSE'", "truncate audit_event cascade",
                    "drop table triage_decision_rule")) {
                assertThatThrownBy(() -> app.createStatement().execute(change)).as(change)
                        .isInstanceOf(SQLException.class).satisfiesAnyOf(e -> assertThat(e).hasMessageContaining("permission denied"), e -> assertThat(e).hasMessageContaining("must be owner"));
            }
        }
        // Even the schema's owner cannot remove an AuditEvent without first removing its parts by hand: nothing cascades
        try (Connection owner = DriverManager.getConnection(url, PostgresServer.MIGRATION_USER, "")) {
            assertThatThrownBy(() -> owner.createStatement().execute("delete from audit_event e where exists (select 1 "
                    + "from audit_event_entity x where x.event_id = e.event_id and x.reference = '"
                    + patient + "')")).hasMessageContaining("foreign key");
        }
        assertThat(rows("select count(*) from audit_event_entity where reference = '" + patient + "'")).isEqualTo(1);
    }

    @Test
    void readingAPatientsTrailIsAuditedWithWhoAskedAndStoredInTurn() throws Exception {
        String patient = "Patient/read-" + UUID.randomUUID();
        send(Topics.TRIAGE_AUDIT, patient, notifierWrite(patient, UUID.randomUUID() + "/1", AuditEvent.AuditEventOutcome._0, Instant.now()));
        awaitRows("select count(*) from audit_event_entity where reference = '" + patient + "'", 1);
        try (TopicProbe trail = TopicProbe.fromNow(KafkaBroker.bootstrapServers(), Topics.TRIAGE_AUDIT)) {
            search("patient=" + patient);
            ConsumerRecord<String, String> audited = trail.awaitRecord(r -> r.value().contains("\"search-type\""), WAIT);
            AuditEvent read = Fhir.r4().newJsonParser().parseResource(AuditEvent.class, audited.value());
            assertThat(read.getAction()).isEqualTo(AuditEvent.AuditEventAction.E);
            assertThat(read.getAgent()).anySatisfy(a -> {
                assertThat(a.getRequestor()).isTrue();
                assertThat(a.getWho().getDisplay()).isEqualTo("demo-auditor");
                assertThat(a.getWho().getIdentifier().getSystem()).isEqualTo(KeycloakServer.shared().realmUrl());
                assertThat(a.getWho().getIdentifier().getValue()).isNotBlank(); // Keycloak's id of the user
            });
            assertThat(read.getEntity()).anySatisfy(e -> assertThat(e.getWhat().getReference()).isEqualTo(patient));
            assertThat(read.getEntity()).filteredOn(AuditEvent.AuditEventEntityComponent::hasQuery).singleElement()
                    .satisfies(e -> assertThat(java.net.URLDecoder.decode(new String(e.getQuery(), StandardCharsets.UTF_8), StandardCharsets.UTF_8))
                            .contains("patient=" + patient));
        }
        // The read's own AuditEvent reaches the store like any other
        awaitRows("select count(*) from audit_event e join audit_event_entity x using (event_id) "
                + "where e.action = 'E' and x.reference = '" + patient + "'", 1);
    }

    @Test
    void noTokenNoData_andOnlyTheAuditorRoleReads() {
        given().get("/fhir/AuditEvent").then().statusCode(401);
        // Well-formed and in date, with the auditor role, but signed by someone else than the provider
        given().auth().oauth2(SenderTokens.staff("quality-lead", "auditor")).get("/fhir/AuditEvent").then().statusCode(401);
        given().auth().oauth2(KeycloakServer.shared().token("demo-worklist", "demo-worklist")).get("/fhir/AuditEvent").then().statusCode(403);
        given().auth().oauth2(auditor()).get("/fhir/AuditEvent?_count=1").then().statusCode(200);
    }

    @Test
    void readyOnceItsDatabaseAndKafkaAnswer() {
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'kafka-access' }.status", org.hamcrest.Matchers.equalTo("UP"))
                .body("checks.find { it.name.contains('Database') }.status", org.hamcrest.Matchers.equalTo("UP"));
    }

    @Test
    void aBadSearchParameterIsA400NamingIt() {
        given().auth().oauth2(auditor()).get("/fhir/AuditEvent?action=X")
                .then().statusCode(400).body("resourceType", org.hamcrest.Matchers.equalTo("OperationOutcome"))
                .body("issue[0].diagnostics", org.hamcrest.Matchers.containsString("action"));
        given().auth().oauth2(auditor()).get("/fhir/AuditEvent?patient=Practitioner/1")
                .then().statusCode(400).body("issue[0].diagnostics", org.hamcrest.Matchers.containsString("patient"));
        given().auth().oauth2(auditor()).get("/fhir/AuditEvent?date=yesterday")
                .then().statusCode(400).body("resourceType", org.hamcrest.Matchers.equalTo("OperationOutcome"));
    }

    @Test
    void decisionsAreStoredOnceWithTheirRules() throws Exception {
        String episode = UUID.randomUUID().toString();
        String json = decisionJson(episode, "Patient/dec-" + episode);
        send(Topics.TRIAGE_DECISION, "Patient/dec-" + episode, json);
        send(Topics.TRIAGE_DECISION, "Patient/dec-" + episode, json); // the classifier's resend: same decision id
        awaitRows("select count(*) from triage_decision_rule where decision_id = '" + episode + "/1'", 1);
        Thread.sleep(1000);
        assertThat(rows("select count(*) from triage_decision where decision_id = '" + episode + "/1'")).isEqualTo(1);
        assertThat(rows("select count(*) from triage_decision where decision_id = '" + episode + "/1' and tier = 'HIGH' "
                + "and action = 'OPEN' and ruleset_version = '2.0'")).isEqualTo(1);
    }

    @Test
    void redeliveringBothTopicsFromTheStartChangesNothing() throws Exception {
        String patient = "Patient/replay-" + UUID.randomUUID();
        send(Topics.TRIAGE_AUDIT, patient, notifierWrite(patient, UUID.randomUUID() + "/1", AuditEvent.AuditEventOutcome._0, Instant.now()));
        send(Topics.TRIAGE_DECISION, patient, decisionJson(UUID.randomUUID().toString(), patient));
        awaitRows("select count(*) from audit_event_entity where reference = '" + patient + "'", 1);
        awaitRows("select count(*) from triage_decision where patient_key = '" + patient + "'", 1);
        List<Long> before = settledSnapshot();
        for (String channel : List.of(AuditStoreConsumer.AUDIT_EVENTS, AuditStoreConsumer.DECISIONS)) {
            var consumer = kafka.getConsumer(channel);
            consumer.getAssignments().chain(consumer::seekToBeginning).await().atMost(WAIT);
        }
        // Everything read again: a marker sent now arrives after the replay of what came before it
        String marker = "Patient/marker-" + UUID.randomUUID();
        send(Topics.TRIAGE_AUDIT, marker, notifierWrite(marker, UUID.randomUUID() + "/1", AuditEvent.AuditEventOutcome._0, Instant.now()));
        awaitRows("select count(*) from audit_event_entity where reference = '" + marker + "'", 1);
        List<Long> after = settledSnapshot();
        // Only the marker is new: one AuditEvent, its agent (the notifier), its two entities (patient, decision)
        assertThat(after).as("audit events, agents, entities, decisions, rules")
                .containsExactly(before.get(0) + 1, before.get(1) + 1, before.get(2) + 2, before.get(3), before.get(4));
    }

    /**
     * An AuditEvent is keyed by its own id, not by its partition and offset: after the topic is recreated (restored,
     * moved to another cluster) the new events' offsets meet old rows, and would be dropped without a word. The old
     * events replayed are stored once, the new ones are stored.
     */
    @Test
    void aReplayIntoAFreshTopicStoresTheNewEventsAndNotTheOldOnesTwice() throws Exception {
        String patient = "Patient/fresh-topic-" + UUID.randomUUID();
        // Eleven stored; a backup taken after the eighth
        List<String> backup = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            String event = notifierWrite(patient, UUID.randomUUID() + "/1", AuditEvent.AuditEventOutcome._0, Instant.now().minusSeconds(60 - i));
            send(Topics.TRIAGE_AUDIT, patient, event);
            if (i < 8) {
                backup.add(event);
            }
        }
        awaitRows("select count(*) from audit_event_entity where reference = '" + patient + "'", 11);

        KafkaBroker.recreateTopic(Topics.TRIAGE_AUDIT);
        // The backup played into the fresh topic (its offsets from 0 again), then three new events
        for (String event : backup) {
            send(Topics.TRIAGE_AUDIT, patient, event);
        }
        for (int i = 0; i < 3; i++) {
            send(Topics.TRIAGE_AUDIT, patient, notifierWrite(patient, UUID.randomUUID() + "/1", AuditEvent.AuditEventOutcome._0, Instant.now()));
        }
        String marker = "Patient/after-fresh-topic-" + UUID.randomUUID();
        send(Topics.TRIAGE_AUDIT, marker, notifierWrite(marker, UUID.randomUUID() + "/1", AuditEvent.AuditEventOutcome._0, Instant.now()));
        awaitRows("select count(*) from audit_event_entity where reference = '" + marker + "'", 1, Duration.ofSeconds(90));
        awaitRows("select count(*) from audit_event_entity where reference = '" + patient + "'", 14);
        Thread.sleep(1000);
        assertThat(rows("select count(*) from audit_event_entity where reference = '" + patient + "'")).isEqualTo(14);
        assertThat(rows("select count(distinct e.resource) from audit_event e join audit_event_entity x on x.event_id = e.event_id "
                + "where x.reference = '" + patient + "'")).isEqualTo(14);
    }

    /**
     * An AuditEvent written before ids were given is keyed by the SHA-256 of its JSON, as migration V5 keys the rows
     * stored before (PostgreSQL's sha256 and the store's agree); a second event under a stored id with other content
     * is parked with the reason, not dropped.
     */
    @Test
    void anEventWithoutAnIdIsKeyedByItsContent_andOneUnderAStoredIdWithOtherContentIsParked() throws Exception {
        String patient = "Patient/keyed-" + UUID.randomUUID();
        AuditEvent idless = Fhir.r4().newJsonParser().parseResource(AuditEvent.class,
                notifierWrite(patient, UUID.randomUUID() + "/1", AuditEvent.AuditEventOutcome._0, Instant.now()));
        idless.setId((String) null);
        String withoutId = Fhir.r4().newJsonParser().encodeResourceToString(idless);
        send(Topics.TRIAGE_AUDIT, patient, withoutId);
        send(Topics.TRIAGE_AUDIT, patient, withoutId);
        String first = notifierWrite(patient, UUID.randomUUID() + "/1", AuditEvent.AuditEventOutcome._0, Instant.now());
        String id = Fhir.r4().newJsonParser().parseResource(AuditEvent.class, first).getIdElement().getIdPart();
        AuditEvent other = Fhir.r4().newJsonParser().parseResource(AuditEvent.class,
                notifierWrite(patient, UUID.randomUUID() + "/1", AuditEvent.AuditEventOutcome._8, Instant.now()));
        other.setId(id);
        String sameIdOtherContent = Fhir.r4().newJsonParser().encodeResourceToString(other);
        try (TopicProbe deadLetters = TopicProbe.fromNow(KafkaBroker.bootstrapServers(), Topics.AUDIT_STORE_DLQ)) {
            send(Topics.TRIAGE_AUDIT, patient, first);
            send(Topics.TRIAGE_AUDIT, patient, sameIdOtherContent);
            ConsumerRecord<String, String> parked = deadLetters.awaitRecord(r -> r.value().equals(sameIdOtherContent), WAIT);
            assertThat(new String(parked.headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8))
                    .isEqualTo("unstorable: AuditEvent id " + id + " is stored with other content");
        }
        awaitRows("select count(*) from audit_event_entity where reference = '" + patient + "'", 2);
        assertThat(rows("select count(*) from audit_event e join audit_event_entity x using (event_id) where x.reference = '" + patient
                + "' and e.event_id = encode(sha256(convert_to(e.resource, 'UTF8')), 'hex')")).isEqualTo(1);
        assertThat(rows("select count(*) from audit_event where event_id = '" + id + "' and outcome = '0'")).isEqualTo(1);
    }

    @Test
    void aDatabaseOutageLosesNothing_andTheApiSays503Meanwhile() throws Exception {
        String patient = "Patient/outage-" + UUID.randomUUID();
        PostgresDatabase.outage(() -> {
            for (int i = 0; i < 3; i++) {
                send(Topics.TRIAGE_AUDIT, patient, notifierWrite(patient, UUID.randomUUID() + "/1", AuditEvent.AuditEventOutcome._0, Instant.now()));
            }
            Thread.sleep(3000); // the store's batch meets the outage and retries
            given().auth().oauth2(auditor()).get("/fhir/AuditEvent?patient=" + patient).then().statusCode(503)
                    .body("resourceType", org.hamcrest.Matchers.equalTo("OperationOutcome"));
            // What the alert AuditStoreDatabaseUnavailable reads: the store's writes retrying
            String retries = given().get("/q/metrics").then().statusCode(200).extract().asString().lines()
                    .filter(l -> l.startsWith("ft_retry_retries_total{") && l.contains("AuditStore.save")).collect(java.util.stream.Collectors.joining("\n"));
            assertThat(retries).containsPattern("method=\"org\\.lemstriage\\.readside\\.store\\.AuditStore\\.save[A-Za-z]+\"[^}]*} [1-9]");
            return null;
        });
        // Back: the batch held unacknowledged is written, each record once
        awaitRows("select count(*) from audit_event_entity where reference = '" + patient + "'", 3);
        Thread.sleep(1000);
        assertThat(rows("select count(*) from audit_event_entity where reference = '" + patient + "'")).isEqualTo(3);
    }

    @Test
    void anUnreadableRecordIsParkedWithItsReasonAndTheNextOneStored() throws Exception {
        String patient = "Patient/after-poison-" + UUID.randomUUID();
        try (TopicProbe deadLetters = TopicProbe.fromNow(KafkaBroker.bootstrapServers(), Topics.AUDIT_STORE_DLQ)) {
            send(Topics.TRIAGE_AUDIT, patient, "{\"resourceType\":\"Patient\",\"id\":\"not-an-audit-event\"}");
            send(Topics.TRIAGE_AUDIT, patient, notifierWrite(patient, UUID.randomUUID() + "/1", AuditEvent.AuditEventOutcome._0, Instant.now()));
            ConsumerRecord<String, String> parked = deadLetters.awaitRecord(r -> r.value().contains("not-an-audit-event"), WAIT);
            assertThat(new String(parked.headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8))
                    .contains("AuditEvent");
            assertThat(new String(parked.headers().lastHeader("dead-letter-topic").value(), StandardCharsets.UTF_8))
                    .isEqualTo(Topics.TRIAGE_AUDIT);
        }
        awaitRows("select count(*) from audit_event_entity where reference = '" + patient + "'", 1);
    }

    /**
     * A record PostgreSQL refuses (a NUL character in a patient identifier: SQLState 22021) is parked with the reason
     * at once, not retried until it fails the channel, and the records beside it in the same batch are stored.
     */
    @Test
    void aRecordPostgresRefusesIsParkedAndTheOthersOfItsBatchStored() throws Exception {
        String poisoned = "identifier:urn:oid:1.2.3|NUL\u0000" + UUID.randomUUID();
        String patient = "Patient/beside-poison-" + UUID.randomUUID();
        try (TopicProbe deadLetters = TopicProbe.fromNow(KafkaBroker.bootstrapServers(), Topics.AUDIT_STORE_DLQ)) {
            send(Topics.TRIAGE_AUDIT, patient, notifierWrite(patient, UUID.randomUUID() + "/1", AuditEvent.AuditEventOutcome._0, Instant.now()));
            String refused = notifierWrite(poisoned, UUID.randomUUID() + "/1", AuditEvent.AuditEventOutcome._0, Instant.now());
            send(Topics.TRIAGE_AUDIT, patient, refused);
            send(Topics.TRIAGE_AUDIT, patient, notifierWrite(patient, UUID.randomUUID() + "/1", AuditEvent.AuditEventOutcome._0, Instant.now()));
            ConsumerRecord<String, String> parked = deadLetters.awaitRecord(r -> r.value().equals(refused), WAIT);
            assertThat(new String(parked.headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8))
                    .isEqualTo("unstorable: PostgreSQL refused a value (SQLState 22021)");
        }
        awaitRows("select count(*) from audit_event_entity where reference = '" + patient + "'", 2);
    }

    /** Row counts once nothing more arrives (other tests' read audits may still be on their way). */
    private List<Long> settledSnapshot() throws Exception {
        List<Long> previous = snapshot();
        while (true) {
            Thread.sleep(1500);
            List<Long> now = snapshot();
            if (now.equals(previous)) {
                return now;
            }
            previous = now;
        }
    }

    private List<Long> snapshot() throws Exception {
        List<Long> counts = new ArrayList<>();
        for (String table : List.of("audit_event", "audit_event_agent", "audit_event_entity", "triage_decision", "triage_decision_rule")) {
            counts.add(rows("select count(*) from " + table));
        }
        return counts;
    }

    /** A token of the realm's auditor, from the real Keycloak. */
    private static String auditor() {
        return KeycloakServer.shared().token("demo-auditor", "demo-auditor");
    }

    private JsonPath search(String query) {
        return JsonPath.from(given().auth().oauth2(auditor())
                .get("/fhir/AuditEvent?" + query).then().statusCode(200).extract().asString());
    }

    /** What the notifier writes per EHR transaction (its AuditTrail's shape). */
    private static String notifierWrite(String patient, String decisionId, AuditEvent.AuditEventOutcome outcome, Instant at) {
        AuditEvent event = AuditEvents.rest("transaction", AuditEvent.AuditEventAction.C, outcome, null, "notifier", true);
        event.setRecorded(Date.from(at));
        event.addEntity().setWhat(PatientKey.toReference(patient))
                .setType(new Coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "1", "Person"));
        event.addEntity().setName("decision " + decisionId)
                .setWhat(new Reference().setIdentifier(new Identifier().setSystem(EhrIdentifiers.DECISION).setValue(decisionId)));
        return Fhir.r4().newJsonParser().encodeResourceToString(event);
    }

    /** What ingest writes per request: no patient, the sender's client id. */
    private static String ingestRequest(String client, Instant at) {
        AuditEvent event = AuditEvents.rest("create", AuditEvent.AuditEventAction.C, AuditEvent.AuditEventOutcome._0,
                "HTTP 201; 1 published", "ingest", false);
        event.setRecorded(Date.from(at));
        event.addAgent().setRequestor(true).setWho(new Reference().setIdentifier(new Identifier().setSystem("urn:ietf:rfc:6749").setValue(client)));
        return Fhir.r4().newJsonParser().encodeResourceToString(event);
    }

    private static String decisionJson(String episode, String patient) throws Exception {
        return StoreFixtures.json(StoreFixtures.decision(episode, 1, patient, TriageDecision.Action.OPEN, TriageDecision.Tier.HIGH,
                TriageDecision.RoundState.DUE));
    }

}
