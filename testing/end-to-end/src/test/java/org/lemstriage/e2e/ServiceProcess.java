package org.lemstriage.e2e;

import org.lemstriage.stack.ServiceInstance;
import org.lemstriage.testsupport.Fixtures;
import org.lemstriage.testsupport.Ports;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One service as its own JVM, started from its packaged quarkus-app with the command line the local stack gives it
 * ({@link ServiceInstance}), on loopback and a free port.
 */
final class ServiceProcess implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final String name;
    private final int port;
    private final Process process;
    private final Path log;
    /** Where this run's lines start: the log is appended to across runs. */
    private final long logStart;

    private ServiceProcess(String name, int port, Process process, Path log, long logStart) {
        this.name = name;
        this.port = port;
        this.process = process;
        this.log = log;
        this.logStart = logStart;
    }

    /** Starts {@code services/<name>} with the given system properties and waits until it is ready. */
    static ServiceProcess start(String name, Map<String, String> properties) throws Exception {
        ServiceProcess service = launch(name, name, properties);
        service.awaitReady(Duration.ofSeconds(90));
        return service;
    }

    /** Starts {@code services/<name>} without waiting for it, its log under {@code label}. */
    static ServiceProcess launch(String name, String label, Map<String, String> properties) throws Exception {
        Path root = Fixtures.repositoryRoot();
        Path jar = root.resolve("services").resolve(name).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: package the services first (./mvnw verify does)");
        }
        int port = Ports.free();
        List<String> command = new ServiceInstance(label, name, ProcessHandle.current().info().command().orElse("java"), "127.0.0.1",
                port, List.of("-Xmx256m"), properties, jar).command();
        Path log = root.resolve("testing/end-to-end/target/e2e-logs/" + label + ".log");
        Files.createDirectories(log.getParent());
        long logStart = Files.exists(log) ? Files.size(log) : 0;
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        // Never leave a service behind, whatever way the test JVM ends
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
        return new ServiceProcess(name, port, process, log, logStart);
    }

    String baseUrl() {
        return "http://localhost:" + port;
    }

    Path log() {
        return log;
    }

    /** What this process has logged so far (not earlier runs' lines in the same file). */
    String logSinceLaunch() {
        try (var in = Files.newInputStream(log)) {
            in.skipNBytes(logStart);
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    void awaitReady(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                // The log's end in the message itself: CI keeps the test report, not the e2e-logs directory
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log
                        + "; its last lines:\n" + lastLines(20));
            }
            try {
                HttpResponse<Void> ready = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (ready.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(name + " not ready within " + timeout + "; see " + log + "; its last lines:\n"
                + lastLines(20));
    }

    private String lastLines(int count) {
        List<String> lines = logSinceLaunch().lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - count), lines.size()));
    }

    /** SIGKILL: no shutdown hook, no commit, no goodbye, as a crash would. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
