package org.lemstriage.readside;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.junit.jupiter.api.Test;
import org.lemstriage.localpostgres.PostgresServer;
import org.lemstriage.testsupport.PostgresDatabase;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Migration V5 on a store that V1 to V4 filled, on the real PostgreSQL server: each AuditEvent row gets the key the
 * store gives an AuditEvent without an id (the SHA-256 of its JSON, whatever the JSON holds: an escaped NUL too), a
 * second copy of one JSON keeps its old partition-offset id, and every agent and entity row follows its event.
 */
class AuditStoreMigrationIT {
    private static final String OLD_JSON = "{\"resourceType\":\"AuditEvent\",\"recorded\":\"2026-11-01T10:00:00Z\",\"action\":\"C\"}";
    /** A sender's text with an escaped NUL, as JSON text may hold it (jsonb refuses it) */
    private static final String JSON_WITH_NUL = "{\"resourceType\":\"AuditEvent\",\"recorded\":\"2026-11-01T10:00:01Z\","
            + "\"entity\":[{\"name\":\"MLLP ORU^R01 A\\u0000B\"}]}";

    @Test
    void rowsStoredBeforeAreKeyedAsTheStoreNowKeysThem() throws Exception {
        String database = "migration_" + UUID.randomUUID().toString().replace("-", "");
        PostgresServer server = PostgresDatabase.shared();
        try (Connection admin = server.connect()) {
            admin.createStatement().execute("create database " + database + " owner " + PostgresServer.MIGRATION_USER);
        }
        try {
            migratesAndKeys(server.jdbcUrl().replace("/" + PostgresServer.DATABASE, "/" + database));
        } finally {
            try (Connection admin = server.connect()) {
                admin.createStatement().execute("drop database if exists " + database);
            }
        }
    }

    private static void migratesAndKeys(String url) throws Exception {
        flyway(url).target("4").load().migrate();
        try (Connection c = DriverManager.getConnection(url, PostgresServer.MIGRATION_USER, "")) {
            // The same JSON stored twice (a topic replayed elsewhere), and one with an escaped NUL
            insert(c, 0, 5, OLD_JSON);
            insert(c, 1, 7, OLD_JSON);
            insert(c, 2, 1, JSON_WITH_NUL);
        }

        flyway(url).load().migrate();

        try (Connection c = DriverManager.getConnection(url, PostgresServer.MIGRATION_USER, "")) {
            Map<String, String> ids = new LinkedHashMap<>();
            try (ResultSet rs = c.createStatement().executeQuery("select kafka_partition || '-' || kafka_offset, event_id from audit_event "
                    + "order by kafka_partition")) {
                while (rs.next()) {
                    ids.put(rs.getString(1), rs.getString(2));
                }
            }
            assertThat(ids).containsExactly(Map.entry("0-5", sha256(OLD_JSON)), Map.entry("1-7", "1-7"), Map.entry("2-1", sha256(JSON_WITH_NUL)));
            for (String table : new String[]{"audit_event_entity", "audit_event_agent"}) {
                try (ResultSet rs = c.createStatement().executeQuery("select string_agg(x.event_id || '=' || x.value, ',' order by x.value) from "
                        + table + " x join audit_event e using (event_id)")) {
                    rs.next();
                    assertThat(rs.getString(1)).as(table)
                            .isEqualTo(sha256(OLD_JSON) + "=v-0-5,1-7=v-1-7," + sha256(JSON_WITH_NUL) + "=v-2-1");
                }
            }
        }
    }

    private static FluentConfiguration flyway(String url) {
        return Flyway.configure().dataSource(url, PostgresServer.MIGRATION_USER, "").locations("classpath:db/migration")
                .placeholders(Map.of("runtimeRole", PostgresServer.SERVICE_USER));
    }

    private static void insert(Connection c, int partition, long offset, String json) throws Exception {
        c.createStatement().execute("insert into audit_event (kafka_partition, kafka_offset, recorded, resource) values ("
                + partition + ", " + offset + ", now(), '" + json + "')");
        for (String table : new String[]{"audit_event_entity", "audit_event_agent"}) {
            String flag = table.endsWith("entity") ? "patient" : "requestor";
            c.createStatement().execute("insert into " + table + " (kafka_partition, kafka_offset, value, " + flag + ") values ("
                    + partition + ", " + offset + ", 'v-" + partition + "-" + offset + "', false)");
        }
    }

    private static String sha256(String json) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json.getBytes(StandardCharsets.UTF_8)));
    }
}
