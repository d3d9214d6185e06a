package org.lemstriage.testsupport;

import org.lemstriage.stack.Artifacts;
import org.lemstriage.stack.HapiJpaEhr;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A real FHIR server for the tests: HAPI FHIR's JPA server 8.8.0 on H2 with its default settings, built by
 * {@code stand-ins/hapi-fhir-jpa} and started as its own JVM (its HAPI and Spring versions stay out of ours), seeded
 * with the sandbox's synthetic patients. One per test JVM, started on first use, stopped by {@link TestSession}.
 */
public final class HapiJpaServer {
    /** HAPI FHIR JPA starts in 20 to 60 s on two cores. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
    private static final String READY = HapiJpaEhr.READY;
    private static HapiJpaServer shared;

    private final Process process;
    private final int port;

    private HapiJpaServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static synchronized HapiJpaServer shared() {
        if (shared == null) {
            shared = start();
        }
        return shared;
    }

    private static HapiJpaServer start() {
        Path root = Fixtures.repositoryRoot();
        Path module = Artifacts.of(root).hapiJpa();
        if (!Files.isDirectory(module.resolve("lib")) || !Files.isDirectory(module.resolve("classes"))) {
            throw new IllegalStateException("HAPI FHIR JPA server not built: run ./mvnw package in stand-ins/hapi-fhir-jpa");
        }
        Path log = module.resolve("hapi-fhir-jpa.log");
        try {
            List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
            // As the local stack starts it, on a port of its choosing; it goes when this JVM goes: a Quarkus test's
            // copy of this class is not the one TestSession stops
            command.addAll(HapiJpaEhr.options(Artifacts.of(root), List.of("-Xmx1g", "-Dlemstriage.exit-with-parent=true"), 0));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            CompletableFuture<Integer> port = new CompletableFuture<>();
            Thread reader = new Thread(() -> copyUntilReady(process, log, port), "hapi-fhir-jpa-output");
            reader.setDaemon(true);
            reader.start();
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroy, "hapi-fhir-jpa-stop"));
            int listening = port.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            return new HapiJpaServer(process, listening);
        } catch (Exception e) {
            throw new IllegalStateException("HAPI FHIR JPA server did not start (see " + log + ")", e);
        }
    }

    /** The server's output into its log file; the port from its ready line. */
    private static void copyUntilReady(Process process, Path log, CompletableFuture<Integer> port) {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             var file = Files.newBufferedWriter(log)) {
            for (String line; (line = out.readLine()) != null; ) {
                file.write(line);
                file.newLine();
                file.flush();
                if (line.startsWith(READY)) {
                    port.complete(Integer.parseInt(line.substring(READY.length()).trim()));
                }
            }
            port.completeExceptionally(new IllegalStateException("exited with " + process.waitFor()));
        } catch (IOException | InterruptedException | NumberFormatException e) {
            port.completeExceptionally(e);
        }
    }

    public String baseUrl() {
        return "http://localhost:" + port + "/fhir";
    }

    /** Hangs the server (SIGSTOP): connections are accepted, nothing is answered, as an EHR that stalls. */
    public void hang() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** Answers again (SIGCONT), with everything it held. */
    public void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        int exit = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).inheritIO().start().waitFor();
        if (exit != 0) {
            throw new IllegalStateException("kill -" + name + " " + process.pid() + " exited with " + exit);
        }
    }

    static synchronized void stop() {
        if (shared != null) {
            shared.process.destroy();
            try {
                if (!shared.process.waitFor(20, TimeUnit.SECONDS)) {
                    shared.process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                shared.process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            shared = null;
        }
    }
}
