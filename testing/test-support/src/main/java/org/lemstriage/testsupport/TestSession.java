package org.lemstriage.testsupport;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Stops the shared broker, EHR sandbox, HAPI FHIR JPA server and PostgreSQL server when the JUnit session ends, while the JVM is still fully alive. Registered
 * through {@code META-INF/services}, so every test JVM that has test-support on its classpath gets it.
 */
public class TestSession implements LauncherSessionListener {
    @Override
    public void launcherSessionClosed(LauncherSession session) {
        EhrSandboxes.stop();
        HapiJpaServer.stop();
        KafkaBroker.stop();
        PostgresDatabase.stop();
    }
}
