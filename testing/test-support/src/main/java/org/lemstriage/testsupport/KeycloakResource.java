package org.lemstriage.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/** Points a Quarkus OIDC service's default tenant at the JVM's real Keycloak (discovery, its keys, its issuer). */
public class KeycloakResource implements QuarkusTestResourceLifecycleManager {
    @Override
    public Map<String, String> start() {
        return Map.of("quarkus.oidc.auth-server-url", KeycloakServer.shared().realmUrl());
    }

    @Override
    public void stop() {
        // Shared by every test class of the JVM; a shutdown hook stops it
    }
}
