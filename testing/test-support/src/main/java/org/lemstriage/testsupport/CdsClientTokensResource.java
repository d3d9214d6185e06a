package org.lemstriage.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * Makes a Quarkus OIDC service's {@code cds-hooks} tenant trust {@link SenderTokens#cdsClient}'s tokens: the test key
 * pair stands in for the EHR's CDS client, and {@link #AUDIENCE} for the CDS service's URL the tokens must name.
 */
public class CdsClientTokensResource implements QuarkusTestResourceLifecycleManager {
    public static final String AUDIENCE = "https://lems-triage.test/cds-services";

    @Override
    public Map<String, String> start() {
        return Map.of("quarkus.oidc.cds-hooks.public-key", SenderTokens.publicKeyBase64(),
                "quarkus.oidc.cds-hooks.token.issuer", SenderTokens.ISSUER, "quarkus.oidc.cds-hooks.token.audience", AUDIENCE);
    }

    @Override
    public void stop() {
        // Nothing to stop: the key pair lives as long as the JVM
    }
}
