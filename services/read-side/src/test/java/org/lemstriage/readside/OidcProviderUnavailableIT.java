package org.lemstriage.readside;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import org.junit.jupiter.api.Test;
import org.lemstriage.testsupport.CdsClientTokensResource;
import org.lemstriage.testsupport.EhrSandboxResource;
import org.lemstriage.testsupport.KafkaBrokerResource;
import org.lemstriage.testsupport.Ports;
import org.lemstriage.testsupport.PostgresDatabaseResource;
import org.lemstriage.testsupport.SenderTokens;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * The hospital's OpenID Connect provider unreachable (down, a network change, a rename): the API cannot verify a
 * token, so it answers 503 with an OperationOutcome saying so, never a 500 that reads as lems-triage's own failure, and
 * health stays up (the store keeps storing). The provider's address is a loopback port nothing listens on.
 */
@QuarkusTest
@QuarkusTestResource(OidcProviderUnavailableIT.ProviderGone.class)
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(PostgresDatabaseResource.class)
@QuarkusTestResource(CdsClientTokensResource.class)
@QuarkusTestResource(EhrSandboxResource.class)
class OidcProviderUnavailableIT {

    /**
     * A tenant whose provider is a loopback port nothing listens on, on paths of its own that ask for a login. Quarkus
     * applies a test resource to every test class of the module (one restricted to its class would load the
     * application in a class loader of its own, with a second broker and database): on the API's own paths it would
     * take the other classes' Keycloak away. The 503 comes from a failure handler on every route, whichever the path.
     */
    public static class ProviderGone implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            int nothingListens;
            try {
                nothingListens = Ports.free();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return Map.of("quarkus.oidc.gone.auth-server-url", "http://127.0.0.1:" + nothingListens + "/realms/lems-triage",
                    "quarkus.oidc.gone.application-type", "service", "quarkus.oidc.gone.tenant-paths", GONE + "/*",
                    "quarkus.http.auth.permission.gone.paths", GONE + "/*", "quarkus.http.auth.permission.gone.policy", "authenticated");
        }

        @Override
        public void stop() {
            // Nothing was started
        }
    }

    static final String GONE = "/provider-gone";

    @Test
    void aCallWithATokenIsAnswered503WithAnOperationOutcome() {
        given().auth().oauth2(SenderTokens.token("someone", "system/AuditEvent.read")).get(GONE + "/AuditEvent?_count=1")
                .then().statusCode(503).header("Retry-After", "30")
                .body("resourceType", equalTo("OperationOutcome"))
                .body("issue[0].diagnostics", containsString("identity provider"));
        given().get("/q/health/live").then().statusCode(200);
    }
}
