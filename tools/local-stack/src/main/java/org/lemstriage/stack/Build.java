package org.lemstriage.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * What the stack needs built: the services and stand-ins ({@code ./mvnw package}, tests skipped) when one is missing
 * (the front script builds everything when the stack's own jar is missing or older than its sources, and on
 * {@code build}), and the broker's classpath, which is not a module of the build: resolved on its own, again whenever
 * its pom (the Kafka version) changes.
 */
final class Build {
    private final LocalStack stack;

    Build(LocalStack stack) {
        this.stack = stack;
    }

    /** {@code deploy/local/stack build}: the front script has just packaged every module; the broker's jars anew. */
    void broker() {
        resolveBroker();
    }

    void ifMissing() {
        if (!stack.artifacts().missing().isEmpty()) {
            packageModules();
        }
        if (!brokerCurrent()) {
            resolveBroker();
        }
    }

    private void packageModules() {
        System.out.println("building the services (./mvnw package, tests skipped)...");
        maven(List.of("-DskipTests", "package"));
    }

    private void resolveBroker() {
        System.out.println("resolving the Kafka broker's jars...");
        Path lib = brokerLib();
        try {
            if (Files.exists(lib)) {
                try (var old = Files.list(lib)) {
                    for (Path jar : old.toList()) {
                        Files.delete(jar);
                    }
                }
            }
            maven(List.of("-f", stack.artifacts().brokerPom().toString(), "dependency:copy-dependencies", "-DincludeScope=runtime",
                    "-DoutputDirectory=" + lib));
            Files.writeString(lib.resolve(".from-pom"), brokerPomHash());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private boolean brokerCurrent() {
        try {
            Path marker = brokerLib().resolve(".from-pom");
            return Files.exists(marker) && Files.readString(marker).equals(brokerPomHash());
        } catch (IOException e) {
            return false;
        }
    }

    private Path brokerLib() {
        return LocalBroker.classpath(stack.settings());
    }

    private String brokerPomHash() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(stack.artifacts().brokerPom())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void maven(List<String> goals) {
        Path root = stack.settings().root();
        List<String> command = new java.util.ArrayList<>(List.of(root.resolve("mvnw").toString(), "-B", "-q"));
        command.addAll(goals);
        try {
            int exit = new ProcessBuilder(command).directory(root.toFile()).inheritIO().start().waitFor();
            if (exit != 0) {
                throw new StackException("./mvnw " + String.join(" ", goals) + " failed (exit " + exit + ")");
            }
        } catch (IOException e) {
            throw new StackException("./mvnw could not run: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted");
        }
    }
}
