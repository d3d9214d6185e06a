package org.lemstriage.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/** Makes a Quarkus test's service trust {@link SenderTokens}' key and issuer, as a deployment trusts its authorization server. */
public class SenderTokensResource implements QuarkusTestResourceLifecycleManager {
    @Override
    public Map<String, String> start() {
        return Map.of("mp.jwt.verify.publickey.location", SenderTokens.publicKeyFile().toUri().toString(),
                "mp.jwt.verify.issuer", SenderTokens.ISSUER);
    }

    @Override
    public void stop() {
        // The key pair lives as long as the test JVM
    }
}
