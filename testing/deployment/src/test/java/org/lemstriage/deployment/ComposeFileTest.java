package org.lemstriage.deployment;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.lemstriage.model.Topics;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docker-compose.yml against what the documentation (README and docs/) says of it: every compose service of the
 * "Deploy" table (docs/deploy.md) is there with its
 * image, port, health check and what it waits for; every setting of the configuration table is an environment variable
 * of the services it applies to; the topic job creates exactly the pipeline's topics. (`docker-compose config`, in
 * .ci/run, checks the file against Compose's own schema.)
 */
class ComposeFileTest {
    private static final Path ROOT = Manifests.repositoryRoot();
    private static final Set<String> LEMS_SERVICES = Set.of("ingest", "classifier", "notifier", "read-side");
    private static Map<String, Map<String, Object>> services;
    private static String readme;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void read() throws IOException {
        // SnakeYAML resolves anchors and merge keys (<<) as Compose does
        Map<String, Object> compose = new Yaml().load(Files.readString(ROOT.resolve("docker-compose.yml")));
        services = (Map<String, Map<String, Object>>) compose.get("services");
        readme = Manifests.documentation();
    }

    @Test
    void everyServiceTheReadmeDocumentsIsThereWithItsImagePortHealthCheckAndDependencies() {
        List<List<String>> rows = table("| compose service |");
        assertThat(rows).extracting(r -> r.get(0)).containsExactlyInAnyOrderElementsOf(services.keySet());
        for (List<String> row : rows) {
            Map<String, Object> service = services.get(row.get(0));
            assertThat(withDefaults(String.valueOf(service.get("image")))).as(row.get(0)).isEqualTo(row.get(1));
            String hostPort = row.get(2);
            if (!hostPort.isEmpty()) {
                assertThat(ports(service)).as(row.get(0) + " publishes " + hostPort).anyMatch(p -> p.startsWith(hostPort + ":"));
            }
            Set<String> waitsFor = row.get(3).isEmpty() ? Set.of() : Set.of(row.get(3).split(",\\s*"));
            assertThat(dependencies(service).keySet()).as(row.get(0) + " waits for").containsExactlyInAnyOrderElementsOf(waitsFor);
            String health = row.get(4);
            if (health.startsWith("/q/health/")) {
                assertThat(healthCheck(service)).as(row.get(0)).endsWith(health);
            } else if (health.equals("none") || health.startsWith("one-shot")) {
                assertThat(service).as(row.get(0)).doesNotContainKey("healthcheck");
            } else {
                assertThat(service).as(row.get(0)).containsKey("healthcheck");
            }
        }
    }

    @Test
    void eachLemsTriageServiceListensOnItsOwnPortAndChecksItsOwnReadiness() throws IOException {
        for (String name : LEMS_SERVICES) {
            Properties properties = new Properties();
            properties.load(new StringReader(Files.readString(ROOT.resolve("services/" + name + "/src/main/resources/application.properties"))));
            String port = properties.getProperty("quarkus.http.port");
            assertThat(ports(services.get(name))).as(name).anyMatch(p -> p.endsWith(":" + port));
            assertThat(healthCheck(services.get(name))).as(name).isEqualTo("http://localhost:" + port + "/q/health/ready");
            assertThat(dependencies(services.get(name))).as(name + " starts once the topics exist")
                    .containsEntry("kafka-topics", Map.of("condition", "service_completed_successfully"));
        }
    }

    /**
     * `docker compose up --build` builds each service from its Dockerfile in Quarkus' convention, on a Java
     * base the site may replace, as a non-root user exposing the service's port; every other image keeps its official
     * name as the default of a variable, so a site's mirror (or CI's stand-ins) can replace it without editing the file.
     */
    @Test
    @SuppressWarnings("unchecked")
    void eachServiceIsBuiltFromItsDockerfile_andEveryOtherImageCanBeReplacedByAVariable() throws IOException {
        for (String name : LEMS_SERVICES) {
            Map<String, Object> build = (Map<String, Object>) services.get(name).get("build");
            assertThat(build).as(name + " build").containsEntry("context", "services/" + name)
                    .containsEntry("dockerfile", "src/main/docker/Dockerfile.jvm")
                    .containsEntry("args", Map.of("JAVA_BASE", "${LT_JAVA_BASE_IMAGE:-eclipse-temurin:17-jre}"));
            String dockerfile = Files.readString(ROOT.resolve("services/" + name + "/src/main/docker/Dockerfile.jvm"));
            Properties properties = new Properties();
            properties.load(new StringReader(Files.readString(ROOT.resolve("services/" + name + "/src/main/resources/application.properties"))));
            assertThat(dockerfile).as(name + "'s Dockerfile")
                    .contains("ARG JAVA_BASE=eclipse-temurin:17-jre", "FROM ${JAVA_BASE}", "USER 185:0",
                            "EXPOSE " + properties.getProperty("quarkus.http.port"), "/deployments/quarkus-run.jar");
            // Whatever a step before needs, the image runs as 185: its last USER
            Matcher users = Pattern.compile("(?m)^USER (\\S+)").matcher(dockerfile);
            String last = null;
            while (users.find()) {
                last = users.group(1);
            }
            assertThat(last).as(name + "'s Dockerfile runs as").isEqualTo("185:0");
        }
        for (Map.Entry<String, Map<String, Object>> service : services.entrySet()) {
            if (!LEMS_SERVICES.contains(service.getKey())) {
                assertThat(String.valueOf(service.getValue().get("image"))).as(service.getKey() + " image")
                        .matches("\\$\\{LT_[A-Z_]+_IMAGE:-[a-z0-9./-]+:[A-Za-z0-9.-]+}");
            }
        }
    }

    /** The Keycloak version is written once, in stand-ins/keycloak's pom; compose's official image names the same. */
    @Test
    void keycloaksImageIsTheVersionTheTestsAndTheLocalStackRun() throws IOException {
        Matcher version = Pattern.compile("<keycloak.version>([^<]+)</keycloak.version>")
                .matcher(Files.readString(ROOT.resolve("stand-ins/keycloak/pom.xml")));
        assertThat(version.find()).as("stand-ins/keycloak/pom.xml names keycloak.version").isTrue();
        assertThat(withDefaults(String.valueOf(services.get("keycloak").get("image"))))
                .isEqualTo("quay.io/keycloak/keycloak:" + version.group(1));
    }

    /** Prometheus (the monitoring profile) scrapes every lems-triage service on its own port, the read-side service too. */
    @Test
    @SuppressWarnings("unchecked")
    void prometheusScrapesEveryService() throws IOException {
        Map<String, Object> prometheus = new Yaml().load(Files.readString(ROOT.resolve("deploy/compose/prometheus.yml")));
        List<String> targets = new ArrayList<>();
        for (Map<String, Object> job : (List<Map<String, Object>>) prometheus.get("scrape_configs")) {
            for (Map<String, Object> config : (List<Map<String, Object>>) job.get("static_configs")) {
                targets.addAll((List<String>) config.get("targets"));
            }
        }
        for (String name : LEMS_SERVICES) {
            Properties properties = new Properties();
            properties.load(new StringReader(Files.readString(ROOT.resolve("services/" + name + "/src/main/resources/application.properties"))));
            assertThat(targets).as("scraped").contains(name + ":" + properties.getProperty("quarkus.http.port"));
        }
    }

    @Test
    void everySettingOfTheConfigurationTableIsAnEnvironmentVariableOfItsServices() {
        List<List<String>> rows = table("| property | service | default | meaning |");
        assertThat(rows).hasSizeGreaterThan(10);
        for (List<String> row : rows) {
            List<String> properties = properties(row.get(0));
            Set<String> applies = LEMS_SERVICES.stream().filter(s -> row.get(1).contains(s)).collect(Collectors.toSet());
            assertThat(applies).as(row.get(0)).isNotEmpty();
            // Each property is set on a service it applies to, and each service has what the row gives it
            for (String property : properties) {
                assertThat(applies).as("%s is an environment variable", property)
                        .anySatisfy(s -> assertThat(environment(s).keySet()).anyMatch(env -> env.matches(envPattern(property))));
            }
            for (String service : applies) {
                assertThat(properties).as("%s sets something of %s", service, row.get(0))
                        .anySatisfy(p -> assertThat(environment(service).keySet()).anyMatch(env -> env.matches(envPattern(p))));
            }
        }
        for (String service : LEMS_SERVICES) {
            assertThat(environment(service)).as(service).containsKey("KAFKA_BOOTSTRAP_SERVERS");
        }
    }

    @Test
    void theTopicJobCreatesExactlyThePipelinesTopics() {
        String script = String.join("\n", commands(services.get("kafka-topics")));
        Matcher topic = Pattern.compile("\\b[a-z]+\\.[a-z-]+\\.(v1|dlq)\\b").matcher(script);
        List<String> created = new ArrayList<>();
        while (topic.find()) {
            created.add(topic.group());
        }
        assertThat(created).containsExactlyInAnyOrderElementsOf(Topics.ALL);
        assertThat(dependencies(services.get("kafka-topics"))).containsEntry("kafka", Map.of("condition", "service_healthy"));
    }

    @Test
    void theSecretTheServicesMountIsMadeByInitSecretsAndNeverCommitted() throws IOException {
        String initSecrets = Files.readString(ROOT.resolve("deploy/compose/init-secrets"));
        assertThat(initSecrets).contains("jwt-public.pem", "QUARKUS_DATASOURCE_PASSWORD", "QUARKUS_OIDC_CONSOLE_CREDENTIALS_SECRET",
                "lems-triage-realm.json");
        // every secret file Compose mounts is one init-secrets writes
        String compose = Files.readString(ROOT.resolve("docker-compose.yml"));
        Matcher file = Pattern.compile("file: \\./deploy/compose/secrets/([\\w.-]+)").matcher(compose);
        int files = 0;
        while (file.find()) {
            assertThat(initSecrets).as(file.group(1)).contains("$dir/" + file.group(1));
            files++;
        }
        assertThat(files).isGreaterThanOrEqualTo(5);
        assertThat(Files.readString(ROOT.resolve(".gitignore"))).contains("deploy/compose/secrets/", "/.env");
    }

    @Test
    void theBrokersLogDirectoryIsOnItsVolume_soRecreatingTheContainerKeepsTheTopics() {
        Map<String, Object> kafka = services.get("kafka");
        Object logDirs = ((Map<?, ?>) kafka.get("environment")).get("KAFKA_LOG_DIRS");
        assertThat(logDirs).as("KAFKA_LOG_DIRS: unset, apache/kafka writes to /tmp/kraft-combined-logs in the container").isNotNull();
        List<String> volumes = ((List<?>) kafka.get("volumes")).stream().map(String::valueOf).toList();
        assertThat(volumes).anySatisfy(v -> {
            String[] parts = v.split(":");
            assertThat(parts[0]).isEqualTo("kafka-data");
            assertThat(String.valueOf(logDirs)).startsWith(parts[1]);
        });
    }

    @Test
    void noPasswordOrSecretHasADefault_composeRefusesToStartWithoutThem() {
        for (Map.Entry<String, Map<String, Object>> service : services.entrySet()) {
            Object environment = service.getValue().get("environment");
            if (!(environment instanceof Map<?, ?> variables)) {
                continue;
            }
            variables.forEach((name, value) -> {
                if (String.valueOf(name).matches(".*(PASSWORD|SECRET).*") && !String.valueOf(name).endsWith("_FILE")) {
                    assertThat(String.valueOf(value)).as("%s of %s", name, service.getKey()).matches("\\$\\{[A-Z_]+:\\?[^}]+}");
                }
            });
        }
    }

    @Test
    void everyPublishedPortListensOnLoopbackUnlessToldOtherwise() {
        for (Map.Entry<String, Map<String, Object>> service : services.entrySet()) {
            for (Object port : (List<?>) service.getValue().getOrDefault("ports", List.of())) {
                assertThat(String.valueOf(port)).as(service.getKey()).startsWith("${LT_PUBLISH_ADDRESS:-127.0.0.1}:");
            }
        }
    }

    @Test
    void theConsolesRedirectUrisAreExact() throws IOException {
        com.fasterxml.jackson.databind.JsonNode realm = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(ROOT.resolve("stand-ins/keycloak/lems-triage-realm.json").toFile());
        com.fasterxml.jackson.databind.JsonNode console = realm.at("/clients/0");
        assertThat(console.path("clientId").asText()).isEqualTo("lems-triage-console");
        assertThat(console.path("redirectUris")).isNotEmpty().allSatisfy(uri -> assertThat(uri.asText()).doesNotContain("*"));
        assertThat(console.at("/attributes/post.logout.redirect.uris").asText()).isNotEmpty().doesNotContain("*");
    }

    /** The rows of the documentation's table whose header line starts with {@code header}, cells without backticks. */
    private static List<List<String>> table(String header) {
        int start = readme.indexOf(header);
        assertThat(start).as("the documentation has a table headed " + header).isNotNegative();
        List<List<String>> rows = new ArrayList<>();
        String[] lines = readme.substring(start).split("\n");
        for (int i = 2; i < lines.length && lines[i].startsWith("|"); i++) {
            List<String> cells = new ArrayList<>();
            for (String cell : lines[i].substring(1, lines[i].length() - 1).split("\\|", -1)) {
                cells.add(cell.trim());
            }
            rows.add(cells.stream().map(c -> c.replace("`", "")).toList());
        }
        return rows;
    }

    /** The properties a table cell names: {@code a.b.c, .d} is a.b.c and a.b.d. */
    private static List<String> properties(String cell) {
        List<String> names = new ArrayList<>();
        String parent = "";
        for (String name : cell.split(",\\s*")) {
            name = name.trim();
            if (name.startsWith(".")) {
                name = parent + name;
            } else {
                parent = name.substring(0, name.lastIndexOf('.'));
            }
            names.add(name);
        }
        return names;
    }

    /** A property as Quarkus reads it from the environment: upper case, every other character an underscore. */
    private static String envPattern(String property) {
        return Pattern.quote(property.toUpperCase().replaceAll("[^A-Z0-9*]", "_")).replace("*", "\\E[A-Z0-9_]+\\Q");
    }

    /** A value as Compose makes it when no variable is set: {@code ${LT_INGEST_PORT:-8080}} is 8080. */
    private static String withDefaults(String value) {
        return value.replaceAll("\\$\\{[A-Z_]+:-([^}]*)}", "$1");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> environment(String service) {
        Object environment = services.get(service).get("environment");
        return environment instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    }

    @SuppressWarnings("unchecked")
    private static List<String> ports(Map<String, Object> service) {
        return ((List<Object>) service.getOrDefault("ports", List.of())).stream().map(String::valueOf)
                .map(ComposeFileTest::withDefaults).map(p -> p.replaceFirst("^127\\.0\\.0\\.1:", "")).toList();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> dependencies(Map<String, Object> service) {
        Object dependsOn = service.get("depends_on");
        if (dependsOn instanceof List<?> list) {
            Map<String, Object> started = new LinkedHashMap<>();
            list.forEach(name -> started.put(String.valueOf(name), Map.of("condition", "service_started")));
            return started;
        }
        return dependsOn == null ? Map.of() : (Map<String, Object>) dependsOn;
    }

    @SuppressWarnings("unchecked")
    private static String healthCheck(Map<String, Object> service) {
        List<Object> test = (List<Object>) ((Map<String, Object>) service.get("healthcheck")).get("test");
        return String.valueOf(test.get(test.size() - 1));
    }

    @SuppressWarnings("unchecked")
    private static List<String> commands(Map<String, Object> service) {
        Object command = service.get("command");
        return command instanceof List<?> list ? (List<String>) list : List.of(String.valueOf(command));
    }
}
