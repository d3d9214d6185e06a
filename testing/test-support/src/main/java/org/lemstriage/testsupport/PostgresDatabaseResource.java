package org.lemstriage.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import org.lemstriage.localpostgres.PostgresServer;

import java.util.Map;

/** Points a Quarkus test's datasource at the JVM's real PostgreSQL server, as its least-privileged roles. */
public class PostgresDatabaseResource implements QuarkusTestResourceLifecycleManager {
    @Override
    public Map<String, String> start() {
        PostgresServer server = PostgresDatabase.shared();
        return Map.of("quarkus.datasource.jdbc.url", server.jdbcUrl(), "quarkus.datasource.username", PostgresServer.SERVICE_USER,
                "quarkus.flyway.username", PostgresServer.MIGRATION_USER, "quarkus.flyway.password", PostgresServer.UNCHECKED_PASSWORD);
    }

    @Override
    public void stop() {
        // Shared by every test class of the JVM; TestSession stops it
    }
}
