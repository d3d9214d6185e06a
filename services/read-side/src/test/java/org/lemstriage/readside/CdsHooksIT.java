package org.lemstriage.readside;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.hl7.fhir.r4.model.AuditEvent;
import org.junit.jupiter.api.Test;
import org.lemstriage.model.Topics;
import org.lemstriage.model.event.TriageDecision;
import org.lemstriage.model.event.TriageDecision.Action;
import org.lemstriage.model.event.TriageDecision.RoundState;
import org.lemstriage.model.event.TriageDecision.Tier;
import org.lemstriage.model.fhir.Fhir;
import org.lemstriage.testsupport.KafkaBroker;
import org.lemstriage.testsupport.CdsClientTokensResource;
import org.lemstriage.testsupport.EhrSandboxResource;
import org.lemstriage.testsupport.KafkaBrokerResource;
import org.lemstriage.testsupport.PostgresDatabaseResource;
import org.lemstriage.testsupport.SenderTokens;
import org.lemstriage.testsupport.KeycloakResource;
import org.lemstriage.testsupport.KeycloakServer;
import org.lemstriage.testsupport.TopicProbe;

import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.lemstriage.readside.StoreFixtures.WAIT;
import static org.lemstriage.readside.StoreFixtures.awaitRows;
import static org.lemstriage.readside.StoreFixtures.decision;
import static org.lemstriage.readside.StoreFixtures.json;
import static org.lemstriage.readside.StoreFixtures.send;

/**
 * CDS Hooks 2.0 over HTTP, in the specification's request and response shapes: discovery, the patient-view hook with
 * the Patient as prefetch, a card for an open surveillance and none otherwise, the CDS client's JWT required.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresDatabaseResource.class)
@QuarkusTestResource(CdsClientTokensResource.class)
@QuarkusTestResource(KeycloakResource.class)
@QuarkusTestResource(EhrSandboxResource.class)
class CdsHooksIT {
    private static final String SERVICE = "/cds-services/lems-triage-surveillance";

    @Test
    void discoveryNamesThePatientViewServiceAndItsPrefetch() {
        given().auth().oauth2(client()).get("/cds-services").then().statusCode(200)
                .body("services[0].id", equalTo("lems-triage-surveillance"))
                .body("services[0].hook", equalTo("patient-view"))
                .body("services[0].prefetch.patient", equalTo("Patient/{{context.patientId}}"))
                .body("services[0].description", org.hamcrest.Matchers.containsString("VGCC"));
    }

    @Test
    void discoveryAnswersWithoutAToken_asTheSpecificationAllows() {
        given().get("/cds-services").then().statusCode(200).body("services[0].id", equalTo("lems-triage-surveillance"));
    }

    @Test
    void withoutTheCdsClientsSignedJwtNoCallIsAnswered() {
        given().contentType(ContentType.JSON).body(request("p-1", null)).post(SERVICE).then().statusCode(401);
        given().auth().oauth2(SenderTokens.cdsClient("https://somewhere-else.test/cds-services")).contentType(ContentType.JSON)
                .body(request("p-1", null)).post(SERVICE).then().statusCode(401);
        // A person's token from the hospital's provider is not the CDS client's
        given().auth().oauth2(KeycloakServer.shared().token("demo-auditor", "demo-auditor")).contentType(ContentType.JSON)
                .body(request("p-1", null)).post(SERVICE).then().statusCode(401);
        given().auth().oauth2(SenderTokens.untrusted("ehr-cds-client", "x")).contentType(ContentType.JSON)
                .body(request("p-1", null)).post(SERVICE).then().statusCode(401);
    }

    @Test
    void aCdsClientTokenIsUsedOnceAndLivesAtMostFiveMinutes() {
        String token = client();
        given().auth().oauth2(token).contentType(ContentType.JSON).body(request("p-1", null)).post(SERVICE).then().statusCode(200);
        given().auth().oauth2(token).contentType(ContentType.JSON).body(request("p-2", null)).post(SERVICE).then().statusCode(401)
                .body("error", org.hamcrest.Matchers.containsString("jti"));
        given().auth().oauth2(SenderTokens.cdsClient(CdsClientTokensResource.AUDIENCE, 10 * 365 * 24 * 60)).contentType(ContentType.JSON)
                .body(request("p-1", null)).post(SERVICE).then().statusCode(401).body("error", org.hamcrest.Matchers.containsString("5 minutes"));
        given().auth().oauth2(SenderTokens.cdsClient(CdsClientTokensResource.AUDIENCE, 6)).contentType(ContentType.JSON)
                .body(request("p-1", null)).post(SERVICE).then().statusCode(401);
        given().auth().oauth2(SenderTokens.cdsClientWithoutJti(CdsClientTokensResource.AUDIENCE)).contentType(ContentType.JSON)
                .body(request("p-1", null)).post(SERVICE).then().statusCode(401).body("error", org.hamcrest.Matchers.containsString("jti"));
        // Five minutes long, but issued a year from now: it would be good for one use at any time until then
        given().auth().oauth2(SenderTokens.cdsClient(CdsClientTokensResource.AUDIENCE, java.time.Instant.now().plus(java.time.Duration.ofDays(365)), 5))
                .contentType(ContentType.JSON).body(request("p-1", null)).post(SERVICE).then().statusCode(401);
    }

    @Test
    void aPatientIdThatIsNotAFhirIdIsA400() {
        for (String notAnId : List.of("a b", "x,y", "Patient/p-1", "p".repeat(65), "")) {
            given().auth().oauth2(client()).contentType(ContentType.JSON).body(request(notAnId, null)).post(SERVICE)
                    .then().statusCode(400).body("error", org.hamcrest.Matchers.containsString("context.patientId"));
        }
    }

    @Test
    void aPrefetchedPatientThatIsNotTheContextsPatientIsRefusedAndNothingIsShown() throws Exception {
        String mrn = "SECPROBE-" + UUID.randomUUID();
        String someoneElse = openEpisodeOf("secprobe-3", mrn);
        given().auth().oauth2(client()).contentType(ContentType.JSON).body(request("nobody-2", someoneElse)).post(SERVICE)
                .then().statusCode(400).body("error", org.hamcrest.Matchers.containsString("prefetch.patient"))
                .body(org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString(mrn)));
        String noId = someoneElse.replace("\"id\":\"secprobe-3\",", "");
        given().auth().oauth2(client()).contentType(ContentType.JSON).body(request("nobody-2", noId)).post(SERVICE)
                .then().statusCode(400).body("error", org.hamcrest.Matchers.containsString("prefetch.patient"));
    }

    @Test
    void anOpenSurveillanceGivesOneCardWithTierWhatIsDueWhyAndTheConsoleLink() throws Exception {
        String id = "cds-" + UUID.randomUUID();
        String episode = UUID.randomUUID().toString();
        TriageDecision open = decision(episode, 1, "Patient/" + id, Action.OPEN, Tier.HIGH, RoundState.DUE);
        stored(open);
        try (TopicProbe trail = TopicProbe.fromNow(KafkaBroker.bootstrapServers(), Topics.TRIAGE_AUDIT)) {
            JsonPath cards = call(request(id, null));
            assertThat(cards.getList("cards")).hasSize(1);
            assertThat(cards.getString("cards[0].summary")).contains("HIGH").contains("round 1 due by 2026-12-03").hasSizeLessThanOrEqualTo(140);
            assertThat(cards.getString("cards[0].indicator")).isEqualTo("warning");
            assertThat(cards.getString("cards[0].detail")).contains(open.explanation()).contains("VGCC-PQ-POSITIVE@1")
                    .contains("Round 1, CT thorax: 2026-11-22 to 2026-12-03, DUE");
            assertThat(cards.getString("cards[0].source.label")).isEqualTo("lems-triage, ruleset 2.0");
            assertThat(cards.getString("cards[0].links[0].url")).endsWith("/console/patient?key=Patient%2F" + id);
            assertThat(cards.getString("cards[0].links[0].type")).isEqualTo("absolute");
            assertThat(cards.getString("cards[0].uuid")).isNotBlank();

            // The clinician's look was audited: the EHR's client and the user, the patient
            ConsumerRecord<String, String> audited = trail.awaitRecord(r -> r.value().contains("\"patient-view\""), WAIT);
            AuditEvent read = Fhir.r4().newJsonParser().parseResource(AuditEvent.class, audited.value());
            assertThat(read.getAgent()).anySatisfy(a -> assertThat(a.getWho().getIdentifier().getValue()).isEqualTo("ehr-cds-client"));
            assertThat(read.getAgent()).anySatisfy(a -> assertThat(a.getWho().getReference()).isEqualTo("Practitioner/dr-a"));
            assertThat(read.getEntity()).anySatisfy(e -> assertThat(e.getWhat().getReference()).isEqualTo("Patient/" + id));
        }
    }

    @Test
    void anOverdueRoundMakesTheSummarySaySo() throws Exception {
        String id = "cds-" + UUID.randomUUID();
        stored(decision(UUID.randomUUID().toString(), 1, "Patient/" + id, Action.OPEN, Tier.LOW, RoundState.OVERDUE));
        JsonPath cards = call(request(id, null));
        assertThat(cards.getString("cards[0].summary")).contains("OVERDUE since 2026-12-03");
        assertThat(cards.getString("cards[0].indicator")).isEqualTo("warning");
    }

    @Test
    void aPatientKeyedByIdentifierIsFoundThroughThePrefetchedPatient() throws Exception {
        String mrn = "MRN-" + UUID.randomUUID();
        String patient = openEpisodeOf("p-77", mrn);
        try (TopicProbe trail = TopicProbe.fromNow(KafkaBroker.bootstrapServers(), Topics.TRIAGE_AUDIT)) {
            assertThat(call(request("p-77", patient)).getList("cards")).hasSize(1);
            // The audit names the patient whose data was shown: the context's, and the identifier its card was found by
            ConsumerRecord<String, String> audited = trail.awaitRecord(r -> r.value().contains("\"patient-view\"") && r.value().contains("p-77"), WAIT);
            AuditEvent read = Fhir.r4().newJsonParser().parseResource(AuditEvent.class, audited.value());
            assertThat(read.getEntity()).anySatisfy(e -> assertThat(e.getWhat().getReference()).isEqualTo("Patient/p-77"));
            assertThat(read.getEntity()).anySatisfy(e -> assertThat(e.getWhat().getIdentifier().getValue()).isEqualTo(mrn));
        }
        assertThat(call(request("p-77", null)).getList("cards")).as("without the prefetch, the identifier is unknown").isEmpty();
    }

    @Test
    void noOpenSurveillanceNoCard() throws Exception {
        String id = "cds-" + UUID.randomUUID();
        String episode = UUID.randomUUID().toString();
        stored(decision(episode, 1, "Patient/" + id, Action.OPEN, Tier.HIGH, RoundState.DUE));
        stored(decision(episode, 2, "Patient/" + id, Action.RETRACT, Tier.HIGH, RoundState.DUE));
        assertThat(call(request(id, null)).getList("cards")).isEmpty();
        assertThat(call(request("never-seen-" + UUID.randomUUID(), null)).getList("cards")).isEmpty();
    }

    @Test
    void aRequestThatIsNotAPatientViewCallIsA400() {
        given().auth().oauth2(client()).contentType(ContentType.JSON).body("{\"hook\":").post(SERVICE).then().statusCode(400);
        given().auth().oauth2(client()).contentType(ContentType.JSON)
                .body("{\"hookInstance\":\"" + UUID.randomUUID() + "\",\"hook\":\"patient-view\",\"context\":{\"userId\":\"Practitioner/dr-a\"}}")
                .post(SERVICE).then().statusCode(400).body("error", org.hamcrest.Matchers.containsString("patientId"));
        given().auth().oauth2(client()).contentType(ContentType.JSON).body(request("p-1", null))
                .post("/cds-services/no-such-service").then().statusCode(404);
    }

    /** An open episode of a patient the pipeline keys by MRN; returns that Patient as the EHR prefetches it, with {@code id}. */
    private static String openEpisodeOf(String id, String mrn) throws Exception {
        stored(decision(UUID.randomUUID().toString(), 1, "identifier:urn:oid:1.2.36.146.595.217.0.1|" + mrn, Action.OPEN,
                Tier.INTERMEDIATE, RoundState.DUE));
        return "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\",\"identifier\":[{\"system\":\"urn:oid:1.2.36.146.595.217.0.1\","
                + "\"value\":\"" + mrn + "\"}]}";
    }

    private static void stored(TriageDecision decision) throws Exception {
        send(Topics.TRIAGE_DECISION, decision.patientKey(), json(decision));
        awaitRows("select count(*) from triage_decision where decision_id = '" + decision.decisionId() + "'", 1);
    }

    private static JsonPath call(String request) {
        return JsonPath.from(given().auth().oauth2(client()).contentType(ContentType.JSON).body(request).post(SERVICE)
                .then().log().ifValidationFails().statusCode(200).extract().asString());
    }

    private static String client() {
        return SenderTokens.cdsClient(CdsClientTokensResource.AUDIENCE);
    }

    /** A patient-view call as CDS Hooks 2.0 shapes it, with the Patient as prefetch when given. */
    private static String request(String patientId, String patientJson) {
        return "{\"hookInstance\":\"" + UUID.randomUUID() + "\",\"fhirServer\":\"https://ehr.hospital.test/fhir\","
                + "\"hook\":\"patient-view\",\"context\":{\"userId\":\"Practitioner/dr-a\",\"patientId\":\"" + patientId + "\"}"
                + (patientJson == null ? "" : ",\"prefetch\":{\"patient\":" + patientJson + "}") + "}";
    }
}
