package org.lemstriage.ingest.api;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;
import org.lemstriage.ingest.Samples;
import org.lemstriage.model.Topics;
import org.lemstriage.testsupport.KafkaBroker;
import org.lemstriage.testsupport.KafkaBrokerResource;
import org.lemstriage.testsupport.SenderTokens;
import org.lemstriage.testsupport.TopicProbe;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** Bearer JWTs with SMART scopes, over HTTP, with the real broker: 401, 403, and the accepted write. */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@TestProfile(AuthenticationIT.TokensRequired.class)
class AuthenticationIT {
    private static final String FHIR_JSON = "application/fhir+json";
    private static final String WRITE = "system/Observation.write";

    public static class TokensRequired implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("lemstriage.ingest.auth.required", "true",
                    "mp.jwt.verify.issuer", SenderTokens.ISSUER,
                    "mp.jwt.verify.publickey.location", SenderTokens.publicKeyFile().toUri().toString());
        }
    }

    private static String result(String patient) {
        return Samples.mayoVgcc("auth-" + UUID.randomUUID(), patient, "0.45");
    }

    @Test
    void noTokenIs401WithAChallengeAndAnOperationOutcome() {
        given().contentType(FHIR_JSON).body(result("Patient/auth-none")).when().post("/fhir/Observation")
                .then().statusCode(401).header("WWW-Authenticate", containsString("Bearer"))
                .body("resourceType", equalTo("OperationOutcome")).body("issue[0].code", equalTo("login"));
    }

    @Test
    void expiredUntrustedOrGarbledTokensAre401() {
        for (String token : new String[]{SenderTokens.expired("lab-engine", WRITE), SenderTokens.untrusted("lab-engine", WRITE), "not.a.jwt"}) {
            given().auth().oauth2(token).contentType(FHIR_JSON).body(result("Patient/auth-bad")).when().post("/fhir/Observation")
                    .then().statusCode(401).header("WWW-Authenticate", containsString("invalid_token"))
                    .body("resourceType", equalTo("OperationOutcome"));
        }
    }

    @Test
    void aScopeClaimThatIsNotAStringIs401NamingTheClaimNeverA500() {
        // A JSON array or object as scope is refused as a 401, not left to fail as a 500 (ClassCastException)
        for (Object scope : new Object[]{List.of(WRITE), Map.of("system", WRITE)}) {
            given().auth().oauth2(SenderTokens.withScopeClaim("lab-engine", scope)).contentType(FHIR_JSON).body(result("Patient/auth-bad"))
                    .when().post("/fhir/Observation")
                    .then().statusCode(401).header("WWW-Authenticate", containsString("invalid_token"))
                    .body("resourceType", equalTo("OperationOutcome")).body("issue[0].diagnostics", containsString("scope"));
        }
    }

    @Test
    void aValidTokenWithoutWriteScopeIs403AndNothingIsPublished() {
        String patient = "Patient/auth-" + UUID.randomUUID();
        try (TopicProbe probe = TopicProbe.fromNow(KafkaBroker.bootstrapServers(), Topics.LAB_OBSERVATION)) {
            long before = probe.endOffsetSum();
            given().auth().oauth2(SenderTokens.token("lab-engine", "system/Observation.read")).contentType(FHIR_JSON).body(result(patient))
                    .when().post("/fhir/Observation")
                    .then().statusCode(403).header("WWW-Authenticate", containsString("insufficient_scope"))
                    .body("issue[0].code", equalTo("forbidden"));
            // v2 create-only scope: a POST is allowed, an update (PUT) is not
            given().auth().oauth2(SenderTokens.token("lab-engine", "system/Observation.c")).contentType(FHIR_JSON)
                    .body(Samples.mayoVgcc("auth-put", patient, "0.45")).when().put("/fhir/Observation/auth-put")
                    .then().statusCode(403);
            // A tracked result is published before it is answered: whatever was written is on the topic by now
            assertThat(probe.endOffsetSum()).as("nothing written to %s", Topics.LAB_OBSERVATION).isEqualTo(before);
        }
    }

    @Test
    void anUpdateOnlyScopeMayAmendAResultItMayNotCreate() {
        String patient = "Patient/auth-" + UUID.randomUUID();
        given().auth().oauth2(SenderTokens.token("lab-engine", "system/Observation.u")).contentType(FHIR_JSON)
                .body(Samples.mayoVgcc("auth-update", patient, "0.45")).when().put("/fhir/Observation/auth-update")
                .then().statusCode(200);
        given().auth().oauth2(SenderTokens.token("lab-engine", "system/Observation.u")).contentType(FHIR_JSON)
                .body(result(patient)).when().post("/fhir/Observation")
                .then().statusCode(403);
    }

    @Test
    void aWriteScopeIsAcceptedAndTheAuditEventNamesTheClient() {
        String patient = "Patient/auth-" + UUID.randomUUID();
        try (TopicProbe audit = TopicProbe.fromNow(KafkaBroker.bootstrapServers(), Topics.TRIAGE_AUDIT)) {
            given().auth().oauth2(SenderTokens.token("lab-engine-7", "launch system/*.write")).contentType(FHIR_JSON).body(result(patient))
                    .when().post("/fhir/Observation").then().statusCode(201);
            given().auth().oauth2(SenderTokens.token("lab-engine-8", "system/Patient.read")).contentType(FHIR_JSON).body(result(patient))
                    .when().post("/fhir/Observation").then().statusCode(403);
            var events = audit.pollFor(Duration.ofSeconds(3)).stream().map(r -> r.value()).toList();
            assertThat(events).anySatisfy(e -> assertThat(e).contains("\"outcome\":\"0\"", "lab-engine-7"));
            assertThat(events).anySatisfy(e -> assertThat(e).contains("\"outcome\":\"4\"", "HTTP 403", "lab-engine-8"));
        }
    }

    @Test
    void metadataAndHealthStayOpen() {
        given().when().get("/fhir/metadata").then().statusCode(200).body("resourceType", equalTo("CapabilityStatement"));
        given().when().get("/q/health/live").then().statusCode(200);
    }
}
