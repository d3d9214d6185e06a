package org.lemstriage.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/** Points a Quarkus test's EHR client at a real EHR sandbox over HTTP. */
public class EhrSandboxResource implements QuarkusTestResourceLifecycleManager {
    /** The config property every service reads its EHR FHIR base from. */
    public static final String EHR_BASE_URL = "lemstriage.ehr.base-url";

    @Override
    public Map<String, String> start() {
        return Map.of(EHR_BASE_URL, EhrSandboxes.shared().baseUrl());
    }

    @Override
    public void stop() {
        // Shared by every test class of the JVM; TestSession stops it
    }
}
