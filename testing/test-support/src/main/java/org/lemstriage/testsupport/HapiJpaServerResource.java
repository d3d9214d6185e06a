package org.lemstriage.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/** Points a Quarkus test's EHR client at the real HAPI FHIR JPA server ({@link HapiJpaServer}). */
public class HapiJpaServerResource implements QuarkusTestResourceLifecycleManager {
    @Override
    public Map<String, String> start() {
        return Map.of(EhrSandboxResource.EHR_BASE_URL, HapiJpaServer.shared().baseUrl());
    }

    @Override
    public void stop() {
        // Shared by every test class of the JVM; TestSession stops it
    }
}
