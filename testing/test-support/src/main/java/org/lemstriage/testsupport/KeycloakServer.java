package org.lemstriage.testsupport;

import org.lemstriage.stack.Artifacts;
import org.lemstriage.stack.LocalKeycloak;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real OpenID Connect provider for the tests: Keycloak 26 from its own distribution (stand-ins/keycloak unpacks it),
 * started as a process in development mode on an in-memory database, with the realm of stand-ins/keycloak
 * (users demo-auditor and demo-worklist, roles auditor and worklist, client lems-triage-console). One per test JVM,
 * started on first use, stopped when the JVM exits.
 */
public final class KeycloakServer {
    public static final String REALM = LocalKeycloak.REALM;
    public static final String CLIENT_ID = LocalKeycloak.CLIENT_ID;
    /** The console client's secret, as the local realm gives it. */
    public static final String CLIENT_SECRET = LocalKeycloak.consoleSecret(Fixtures.repositoryRoot());
    /** Keycloak builds itself, then starts: 30 to 90 s on two cores. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(240);
    private static KeycloakServer shared;

    private final int port;
    private final HttpClient http = HttpClient.newHttpClient();

    private KeycloakServer(int port) {
        this.port = port;
    }

    public static synchronized KeycloakServer shared() {
        if (shared == null) {
            shared = start();
        }
        return shared;
    }

    /** The realm's URL: what {@code quarkus.oidc.auth-server-url} names, and the tokens' issuer. */
    public String realmUrl() {
        return "http://localhost:" + port + "/realms/" + REALM;
    }

    /** An access token for a user of the realm (password grant through the console's client). */
    public String token(String user, String password) {
        return LocalKeycloak.accessToken(realmUrl(), CLIENT_SECRET, user, password);
    }

    private static KeycloakServer start() {
        Path root = Fixtures.repositoryRoot();
        Path home = Artifacts.of(root).keycloakHome();
        if (!Files.isExecutable(home.resolve("bin/kc.sh"))) {
            throw new IllegalStateException("Keycloak not unpacked: run ./mvnw package in stand-ins/keycloak");
        }
        try {
            // The realm as deployed, whose redirect URIs are exact; but a test's console listens on a port chosen at
            // random: here any localhost port may be redirected to (Keycloak matches a URI ending in * as a prefix)
            LocalKeycloak.importRealm(home, root,
                    realm -> realm.replaceAll("\"" + LocalKeycloak.CONSOLE_ORIGIN + "/[^\"]*\"", "\"http://localhost:*\""));
            int port = Ports.free();
            ProcessBuilder builder = new ProcessBuilder(LocalKeycloak.command(home, "keycloak-test", "127.0.0.1", port,
                    List.of("--http-management-port=" + Ports.free())))
                    .redirectErrorStream(true).redirectOutput(home.resolve("keycloak.log").toFile());
            builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
            Process process = builder.start();
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroy, "keycloak-stop"));
            KeycloakServer server = new KeycloakServer(port);
            server.awaitRealm(process, home.resolve("keycloak.log"));
            return server;
        } catch (IOException e) {
            throw new IllegalStateException("Keycloak did not start", e);
        }
    }

    private void awaitRealm(Process process, Path log) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        HttpRequest discovery = HttpRequest.newBuilder(URI.create(realmUrl() + "/.well-known/openid-configuration")).build();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Keycloak exited (" + process.exitValue() + "); see " + log);
            }
            try {
                if (http.send(discovery, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        process.destroy();
        throw new IllegalStateException("Keycloak's realm not served within " + START_TIMEOUT + "; see " + log);
    }
}
