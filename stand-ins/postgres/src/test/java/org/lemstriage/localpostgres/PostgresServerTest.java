package org.lemstriage.localpostgres;

import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The real server: started, written to, stopped, started again on the same data; refused a folder it cannot use. */
class PostgresServerTest {

    @Test
    void keepsItsDataAcrossARestart() throws Exception {
        Path data = PostgresServer.temporaryData();
        int port = freePort();
        try (PostgresServer server = PostgresServer.start(data, port, Map.of("fsync", "off"))) {
            try (Connection c = server.connect()) {
                c.createStatement().execute("create table kept (id int primary key)");
                c.createStatement().execute("insert into kept values (42)");
                ResultSet version = c.createStatement().executeQuery("select current_setting('server_version_num')::int");
                version.next();
                assertThat(version.getInt(1)).isGreaterThanOrEqualTo(140000);
            }
        }
        assertThatThrownBy(() -> java.sql.DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/lemstriage", "postgres", ""))
                .as("stopped").isInstanceOf(java.sql.SQLException.class);
        try (PostgresServer again = PostgresServer.start(data, port, Map.of());
             Connection c = again.connect()) {
            ResultSet kept = c.createStatement().executeQuery("select id from kept");
            assertThat(kept.next()).isTrue();
            assertThat(kept.getInt(1)).isEqualTo(42);
        }
        PostgresServer.delete(data.getParent());
    }

    @Test
    void aServerAlreadyOnThePortIsNamedNotMistakenForOurs() throws Exception {
        Path first = PostgresServer.temporaryData();
        Path second = PostgresServer.temporaryData();
        int port = freePort();
        try (PostgresServer server = PostgresServer.start(first, port, Map.of("fsync", "off"))) {
            assertThatThrownBy(() -> PostgresServer.start(second, port, Map.of("fsync", "off")))
                    .hasMessageContaining(String.valueOf(port));
        }
        PostgresServer.delete(first.getParent());
        PostgresServer.delete(second.getParent());
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
