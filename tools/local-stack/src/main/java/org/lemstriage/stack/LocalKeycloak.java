package org.lemstriage.stack;

import com.fasterxml.jackson.databind.JsonNode;
import org.lemstriage.model.event.EventJson;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real OpenID Connect provider: Keycloak's distribution (stand-ins/keycloak), in development mode on an in-memory
 * database, the realm of stand-ins/keycloak imported at each start (users demo-auditor, demo-worklist and
 * demo-operator; client lems-triage-console).
 */
public final class LocalKeycloak implements Component {
    public static final String NAME = "keycloak";
    public static final String REALM = "lems-triage";
    public static final String CLIENT_ID = "lems-triage-console";
    /** The console's redirect URIs in the realm file name the read-side service's default port. */
    public static final String CONSOLE_ORIGIN = "http://localhost:8083";
    private static final Pattern SECRET = Pattern.compile("\"secret\"\\s*:\\s*\"([^\"]+)\"");

    private final StackSettings settings;
    private final Artifacts artifacts;

    LocalKeycloak(StackSettings settings, Artifacts artifacts) {
        this.settings = settings;
        this.artifacts = artifacts;
    }

    @Override
    public String name() {
        return NAME;
    }

    public static Path realmFile(Path root) {
        return root.resolve("stand-ins/keycloak/lems-triage-realm.json");
    }

    /** The console client's secret, as the local realm gives it. */
    public static String consoleSecret(Path root) {
        try {
            Matcher secret = SECRET.matcher(Files.readString(realmFile(root)));
            if (!secret.find()) {
                throw new StackException("no client secret in " + realmFile(root));
            }
            return secret.group(1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Puts the realm where {@code --import-realm} reads it, edited (the console's redirect URIs name its port). */
    public static void importRealm(Path home, Path root, java.util.function.UnaryOperator<String> edit) {
        try {
            Path imports = Files.createDirectories(home.resolve("data/import"));
            Files.writeString(imports.resolve(REALM + "-realm.json"), edit.apply(Files.readString(realmFile(root))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * kc.sh's arguments for a development server on an in-memory database; kc.sh hands {@code -D} options to the
     * server's JVM, so the component tag is on the JVM's command line.
     */
    public static List<String> command(Path home, String name, String host, int port, List<String> more) {
        List<String> command = new java.util.ArrayList<>(List.of(home.resolve("bin/kc.sh").toString(), Launch.TAG + name,
                "start-dev", "--http-host=" + host, "--http-port=" + port, "--db=dev-mem", "--import-realm"));
        command.addAll(more);
        return command;
    }

    @Override
    public void prepare() {
        importRealm(artifacts.keycloakHome(), settings.root(), realm -> realm.replace(CONSOLE_ORIGIN, settings.serviceUrl("read-side")));
    }

    @Override
    public Launch launch() {
        return new Launch(NAME, command(artifacts.keycloakHome(), NAME, settings.bindAddress(), settings.port(NAME), List.of()),
                Map.of("JAVA_HOME", System.getProperty("java.home")), artifacts.keycloakHome(), Map.of(NAME, settings.port(NAME)));
    }

    @Override
    public Readiness readiness(long logFrom) {
        return Readiness.http(settings.realmUrl() + "/.well-known/openid-configuration");
    }

    /**
     * An access token from the stack's Keycloak for one of the realm's demo users (password: the user name):
     * demo-auditor (the audit store's API), demo-worklist, demo-operator (dead letters).
     */
    String staffToken(String user) {
        return accessToken(settings.realmUrl(), consoleSecret(settings.root()), user, user);
    }

    /** An access token for a user of the realm at {@code realmUrl}: the password grant, through the console's client. */
    public static String accessToken(String realmUrl, String clientSecret, String user, String password) {
        String form = "grant_type=password&client_id=" + CLIENT_ID + "&client_secret=" + clientSecret
                + "&username=" + URLEncoder.encode(user, StandardCharsets.UTF_8)
                + "&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8);
        try {
            HttpResponse<String> answer = Readiness.HTTP.send(HttpRequest.newBuilder(URI.create(realmUrl + "/protocol/openid-connect/token"))
                    .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode token = answer.statusCode() == 200 ? EventJson.mapper().readTree(answer.body()).path("access_token") : null;
            if (token == null || !token.isTextual()) {
                throw new StackException("Keycloak gave no token for " + user + " (HTTP " + answer.statusCode() + "; is it up?)");
            }
            return token.asText();
        } catch (IOException e) {
            throw new StackException("Keycloak gave no token for " + user + " (" + e.getMessage() + "; is it up?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted");
        }
    }
}
