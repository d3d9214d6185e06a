package org.lemstriage.stack;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The local stack's settings: ports, heaps, the EHR it runs, where its run folder is. Each is read from the
 * environment variable docs/configuration.md names ({@code LT_*}), with the default given here.
 */
public record StackSettings(Path root, Path runDir, String java, String bindAddress, Map<String, Integer> ports,
                            Map<String, List<String>> heaps, String ehr, boolean readSide, Optional<String> clockStart,
                            boolean clockAdjustable, Optional<String> kafkaDataSize, Duration readyTimeout, String mallocArenaMax) {

    /** Each port's variable and default: the components' own ports, then the second instances' and listeners'. */
    static final Map<String, Integer> DEFAULT_PORTS = Map.ofEntries(
            Map.entry("kafka", 9092), Map.entry("kafka-controller", 9093),
            Map.entry("ingest", 8080), Map.entry("classifier", 8081), Map.entry("notifier", 8082), Map.entry("read-side", 8083),
            // ingest's HL7 v2 listener (MLLP): 2575, the port IANA registered for HL7; the second instance's beside it
            Map.entry("mllp", 2575), Map.entry("mllp-2", 2576),
            Map.entry("ingest-2", 8280), Map.entry("classifier-2", 8281), Map.entry("notifier-2", 8282),
            Map.entry("ehr", 8090), Map.entry("ehr-fault", 8091), Map.entry("postgres", 5432), Map.entry("keycloak", 8180));

    /**
     * Heaps by kind of process. The serial collector everywhere, as the images run (JAVA_TOOL_OPTIONS in compose and
     * Kubernetes): small heaps, few cores, no concurrent GC threads competing with the load for them.
     */
    static final Map<String, String> DEFAULT_HEAPS = Map.of(
            // the read-side service
            "java", "-Xmx256m -XX:+UseSerialGC",
            // the EHR sandbox keeps every version of every resource in memory: a full benchmark's decisions (each an
            // episode of 30-odd resources, their messages, every version) filled 256 MiB before its end
            "ehr-java", "-Xmx1g -XX:+UseSerialGC",
            // ingest holds the FHIR R4 definitions for instance validation: about 240 MiB of live heap with them. At
            // 384 MiB the old generation stayed full and ran 138 full collections in 5 minutes of load; at 512 MiB
            // (what compose and Kubernetes give it: 70 % of 768 MiB) 15, and ingest used a third less CPU
            "ingest-java", "-Xmx512m -XX:+UseSerialGC",
            // the classifier and the notifier hold about 30 MiB of live heap under the benchmark's load: with 128 MiB
            // their RSS was 259 and 235 MiB, with 256 MiB 378 and 324; a small initial heap grows only as far as used
            "pipeline-java", "-Xms32m -Xmx128m -XX:+UseSerialGC",
            "kafka", "-Xmx512m",
            "hapi-java", "-Xmx1g");

    /** The day the sample cohort and the synthetic cohort are dated: `demo`, `bench` and `chaos` start the clock here. */
    public static final String COHORT_DAY = "2026-11-22T08:00:00Z";

    public static StackSettings fromEnvironment(Path root) {
        return from(root, System.getenv());
    }

    static StackSettings from(Path root, Map<String, String> env) {
        Map<String, Integer> ports = new java.util.TreeMap<>();
        DEFAULT_PORTS.forEach((name, port) -> ports.put(name, intValue(env, variable(name, "PORT"), port)));
        Map<String, List<String>> heaps = new java.util.TreeMap<>();
        DEFAULT_HEAPS.forEach((name, heap) -> heaps.put(name,
                List.of(value(env, "LT_" + name.toUpperCase().replace('-', '_') + "_OPTS", heap).split("\\s+"))));
        String ehr = checkedEhr(value(env, "LT_EHR", "sandbox"));
        return new StackSettings(root, Path.of(value(env, "LT_RUN_DIR", root.resolve("deploy/local/.run").toString())),
                value(env, "JAVA", "java"), value(env, "LT_BIND_ADDRESS", "127.0.0.1"), Map.copyOf(ports),
                Map.copyOf(heaps), ehr, !"0".equals(env.get("LT_READ_SIDE")), nonBlank(env.get("LT_CLOCK_START")),
                false, nonBlank(env.get("LT_KAFKA_DATA_SIZE")), Duration.ofSeconds(intValue(env, "LT_READY_TIMEOUT", 120)),
                value(env, "MALLOC_ARENA_MAX", "2"));
    }

    /** The environment variable of a port or setting: {@code LT_INGEST_2_PORT}, {@code LT_KAFKA_CONTROLLER_PORT}. */
    public static String variable(String name, String suffix) {
        return "LT_" + name.toUpperCase().replace('-', '_') + "_" + suffix;
    }

    public int port(String name) {
        Integer port = ports.get(name);
        if (port == null) {
            throw new StackException("no port for '" + name + "'");
        }
        return port;
    }

    /** A kind of process's JVM options (heap and collector): java, ehr-java, ingest-java, pipeline-java, kafka, hapi-java. */
    public List<String> jvmOptions(String kind) {
        return heaps.get(kind);
    }

    public StackSettings withEhr(String kind) {
        return new StackSettings(root, runDir, java, bindAddress, ports, heaps, checkedEhr(kind), readSide, clockStart,
                clockAdjustable, kafkaDataSize, readyTimeout, mallocArenaMax);
    }

    /** The classifier's clock starts on the cohorts' day unless LT_CLOCK_START says otherwise; adjustable: the demo's walk moves it. */
    public StackSettings withCohortClock(boolean adjustable) {
        return new StackSettings(root, runDir, java, bindAddress, ports, heaps, ehr, readSide, clockStart.or(() -> Optional.of(COHORT_DAY)),
                adjustable, kafkaDataSize, readyTimeout, mallocArenaMax);
    }

    /** Without PostgreSQL, Keycloak and the read-side service: the fault suite measures the pipeline. */
    public StackSettings withoutReadSide() {
        return new StackSettings(root, runDir, java, bindAddress, ports, heaps, ehr, false, clockStart, clockAdjustable,
                kafkaDataSize, readyTimeout, mallocArenaMax);
    }

    public StackSettings withKafkaDataSize(String size) {
        return new StackSettings(root, runDir, java, bindAddress, ports, heaps, ehr, readSide, clockStart, clockAdjustable,
                kafkaDataSize.or(() -> Optional.of(size)), readyTimeout, mallocArenaMax);
    }

    /**
     * What a process started beside the stack (the benchmark, the fault suite) needs to see the same stack: the
     * settings this command changed from the environment's.
     */
    public Map<String, String> environment() {
        Map<String, String> env = new java.util.HashMap<>();
        env.put("LT_EHR", ehr);
        env.put("LT_READ_SIDE", readSide ? "1" : "0");
        clockStart.ifPresent(start -> env.put("LT_CLOCK_START", start));
        kafkaDataSize.ifPresent(size -> env.put("LT_KAFKA_DATA_SIZE", size));
        return env;
    }

    public String ehrBase() {
        return "http://localhost:" + port("ehr") + "/fhir";
    }

    public String kafkaBootstrap() {
        return "localhost:" + port("kafka");
    }

    public String realmUrl() {
        return "http://localhost:" + port("keycloak") + "/realms/" + LocalKeycloak.REALM;
    }

    public String serviceUrl(String instance) {
        return "http://localhost:" + port(instance);
    }

    private static String checkedEhr(String kind) {
        if (!kind.equals("sandbox") && !kind.equals("hapi")) {
            throw new StackException("LT_EHR / --ehr must be sandbox or hapi, not '" + kind + "'");
        }
        return kind;
    }

    /** The variable's value; unset or blank, the default (as the shell's {@code ${X:-default}}). */
    private static String value(Map<String, String> env, String variable, String fallback) {
        return nonBlank(env.get(variable)).orElse(fallback);
    }

    private static int intValue(Map<String, String> env, String variable, int fallback) {
        String value = env.get(variable);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new StackException(variable + " must be a number, not '" + value + "'");
        }
    }

    private static Optional<String> nonBlank(String value) {
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }
}
