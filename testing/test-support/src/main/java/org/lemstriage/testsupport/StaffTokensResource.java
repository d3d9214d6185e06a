package org.lemstriage.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * Makes a Quarkus OIDC service trust {@link SenderTokens#staff}'s tokens, and on its {@code cds-hooks} tenant
 * {@link SenderTokens#cdsClient}'s: the test key pair stands in for the hospital's OpenID Connect provider and for
 * the EHR's CDS client (quarkus.oidc.public-key: verified locally, no provider contacted).
 */
public class StaffTokensResource implements QuarkusTestResourceLifecycleManager {
    /** What a CDS client's JWT must name as its audience ({@link SenderTokens#cdsClient}): the CDS service's URL. */
    public static final String CDS_HOOKS_AUDIENCE = "https://lems-triage.test/cds-services";

    @Override
    public Map<String, String> start() {
        String key = SenderTokens.publicKeyPem().replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return Map.of("quarkus.oidc.public-key", key, "quarkus.oidc.token.issuer", SenderTokens.ISSUER,
                "quarkus.oidc.cds-hooks.public-key", key, "quarkus.oidc.cds-hooks.token.issuer", SenderTokens.ISSUER,
                "quarkus.oidc.cds-hooks.token.audience", CDS_HOOKS_AUDIENCE);
    }

    @Override
    public void stop() {
        // Nothing to stop: the key pair lives as long as the JVM
    }
}
