package org.lemstriage.audit;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.hl7.fhir.r4.model.AuditEvent;
import org.junit.jupiter.api.Test;
import org.lemstriage.model.Topics;
import org.lemstriage.model.fhir.Fhir;
import org.lemstriage.testsupport.KafkaBroker;
import org.lemstriage.testsupport.CdsClientTokensResource;
import org.lemstriage.testsupport.KafkaBrokerResource;
import org.lemstriage.testsupport.KeycloakResource;
import org.lemstriage.testsupport.KeycloakServer;
import org.lemstriage.testsupport.PostgresDatabaseResource;
import org.lemstriage.testsupport.SenderTokens;
import org.lemstriage.testsupport.TopicProbe;

import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.lemstriage.audit.StoreFixtures.WAIT;

/**
 * The audit API behind a real OpenID Connect provider (Keycloak, the realm of deploy/local/keycloak): no token, no
 * data; a worklist user is refused, an auditor reads, and the read is audited under the provider's own identity of
 * the user.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresDatabaseResource.class)
@QuarkusTestResource(CdsClientTokensResource.class)
@QuarkusTestResource(value = KeycloakResource.class, restrictToAnnotatedClass = true)
class KeycloakLoginIT {

    @Test
    void noTokenNoData_aWorklistUserIsRefused_anAuditorReads() throws Exception {
        KeycloakServer keycloak = KeycloakServer.shared();
        String patient = "Patient/kc-" + UUID.randomUUID();
        given().get("/fhir/AuditEvent?patient=" + patient).then().statusCode(401);
        given().auth().oauth2(SenderTokens.staff("quality-lead", "auditor")).get("/fhir/AuditEvent?patient=" + patient)
                .then().statusCode(401); // signed by someone else than the provider
        given().auth().oauth2(keycloak.token("demo-worklist", "demo-worklist")).get("/fhir/AuditEvent?patient=" + patient)
                .then().statusCode(403);
        try (TopicProbe trail = TopicProbe.fromNow(KafkaBroker.bootstrapServers(), Topics.TRIAGE_AUDIT)) {
            given().auth().oauth2(keycloak.token("demo-auditor", "demo-auditor")).get("/fhir/AuditEvent?patient=" + patient)
                    .then().statusCode(200);
            ConsumerRecord<String, String> audited = trail.awaitRecord(r -> r.value().contains(patient), WAIT);
            AuditEvent read = Fhir.r4().newJsonParser().parseResource(AuditEvent.class, audited.value());
            assertThat(read.getAgent()).anySatisfy(a -> {
                assertThat(a.getWho().getIdentifier().getSystem()).isEqualTo(keycloak.realmUrl());
                assertThat(a.getWho().getDisplay()).isEqualTo("demo-auditor");
            });
        }
    }
}
