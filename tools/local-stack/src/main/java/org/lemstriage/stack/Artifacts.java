package org.lemstriage.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the build leaves for the stack to run: each service's quarkus-app, the stand-ins' jars and classpaths. */
public record Artifacts(Path root, String version) {
    private static final Pattern PROJECT_VERSION = Pattern.compile("(?m)^  <version>(.*)</version>$");

    /** The project's version: the root pom's own {@code <version>}, as {@code deploy/project-version} reads it. */
    public static Artifacts of(Path root) {
        try {
            Matcher version = PROJECT_VERSION.matcher(Files.readString(root.resolve("pom.xml")));
            if (!version.find()) {
                throw new StackException("no <version> in " + root.resolve("pom.xml"));
            }
            return new Artifacts(root, version.group(1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The repository root: {@code -Dlemstriage.root}, else the nearest folder up from here holding deploy/project-version. */
    public static Path repositoryRoot() {
        String given = System.getProperty("lemstriage.root");
        if (given != null) {
            return Path.of(given).toAbsolutePath().normalize();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve("deploy/project-version"))) {
                return dir;
            }
        }
        throw new StackException("not inside the lems-triage repository (no deploy/project-version above " + Path.of("").toAbsolutePath() + ")");
    }

    public Path serviceJar(String service) {
        return root.resolve("services").resolve(service).resolve("target/quarkus-app/quarkus-run.jar");
    }

    public Path sandboxJar() {
        return root.resolve("stand-ins/ehr-sandbox/target/ehr-sandbox-" + version + ".jar");
    }

    /** The synthetic patients the sandbox holds, and HAPI FHIR JPA is seeded with. */
    public Path syntheticPatients() {
        return root.resolve("stand-ins/ehr-sandbox/src/main/resources/seed/synthetic-patients.json");
    }

    public Path hapiJpa() {
        return root.resolve("stand-ins/hapi-fhir-jpa/target");
    }

    public Path keycloakHome() {
        return root.resolve("stand-ins/keycloak/target/keycloak");
    }

    public String postgresClasspath() {
        return classpath("stand-ins/postgres", "local-postgres");
    }

    public String benchClasspath() {
        return classpath("tools/bench", "bench");
    }

    public String consoleCheckClasspath() {
        return classpath("testing/console-browser", "console-browser");
    }

    /** The broker's pom: not a module of the build, resolved into the run folder on demand. */
    public Path brokerPom() {
        return root.resolve("stand-ins/kafka-broker/pom.xml");
    }

    /** What is not built yet; empty when the stack can start. */
    public List<Path> missing() {
        List<Path> missing = new ArrayList<>();
        for (String service : List.of("ingest", "classifier", "notifier", "read-side")) {
            missing.add(serviceJar(service));
        }
        missing.addAll(List.of(sandboxJar(), hapiJpa().resolve("lib"), keycloakHome().resolve("bin/kc.sh"),
                root.resolve("stand-ins/postgres/target/lib"), root.resolve("tools/bench/target/lib"),
                root.resolve("testing/console-browser/target/lib")));
        missing.removeIf(Files::exists);
        return missing;
    }

    private String classpath(String module, String artifact) {
        Path target = root.resolve(module).resolve("target");
        return target.resolve(artifact + "-" + version + ".jar") + java.io.File.pathSeparator + target.resolve("lib") + "/*";
    }
}
