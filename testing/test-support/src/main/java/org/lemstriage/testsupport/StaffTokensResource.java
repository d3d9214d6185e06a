package org.lemstriage.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * Makes a Quarkus OIDC service's default tenant trust {@link SenderTokens#staff}'s tokens: the test key pair stands in
 * for the hospital's OpenID Connect provider (quarkus.oidc.public-key: verified locally, no provider contacted).
 */
public class StaffTokensResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        String key = SenderTokens.publicKeyBase64();
        return Map.of("quarkus.oidc.public-key", key, "quarkus.oidc.token.issuer", SenderTokens.ISSUER);
    }

    @Override
    public void stop() {
        // Nothing to stop: the key pair lives as long as the JVM
    }
}
