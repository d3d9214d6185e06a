package org.lemstriage.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The whole pipeline on this machine, without Docker: a real Kafka broker, the EHR (the sandbox or HAPI FHIR JPA),
 * a real PostgreSQL and Keycloak for the read side, the three services and the read-side service, each its own
 * process on the ports of docs/configuration.md. Every command of {@code deploy/local/stack} and the benchmark's
 * faults act through this.
 */
public final class LocalStack {
    /** Every component, in the order {@code status} lists them. */
    public static final List<String> COMPONENTS = List.of("kafka", "ehr", "postgres", "keycloak", "ingest", "classifier", "notifier", "read-side");
    public static final List<String> PIPELINE = List.of("ingest", "classifier", "notifier");
    public static final List<String> SECOND_INSTANCES = List.of("ingest-2", "classifier-2", "notifier-2");

    private final StackSettings settings;
    private final Artifacts artifacts;
    private final RunFolder run;
    private final StackTokens tokens;
    private final Consumer<String> say;

    public LocalStack(StackSettings settings, Consumer<String> say) {
        this.settings = settings;
        this.artifacts = Artifacts.of(settings.root());
        this.run = new RunFolder(settings.runDir(), say);
        this.tokens = new StackTokens(settings.runDir());
        this.say = say;
    }

    /** The stack as the environment describes it ({@code LT_*}), in the repository this runs from. */
    public static LocalStack fromEnvironment(Consumer<String> say) {
        return new LocalStack(StackSettings.fromEnvironment(Artifacts.repositoryRoot()), say);
    }

    public StackSettings settings() {
        return settings;
    }

    public Artifacts artifacts() {
        return artifacts;
    }

    public RunFolder run() {
        return run;
    }

    public StackTokens tokens() {
        return tokens;
    }

    public Component component(String name) {
        return switch (name) {
            case "kafka" -> broker();
            case "ehr" -> settings.ehr().equals("hapi") ? new HapiJpaEhr(settings, artifacts) : new EhrSandbox(settings, artifacts);
            case "postgres" -> postgres();
            case "keycloak" -> new LocalKeycloak(settings, artifacts);
            case "ingest", "classifier", "notifier", "read-side", "ingest-2", "classifier-2", "notifier-2" -> service(name);
            default -> throw new StackException("no component '" + name + "' (one of: " + String.join(", ", COMPONENTS)
                    + ", " + String.join(", ", SECOND_INSTANCES) + ")");
        };
    }

    /** A service instance wired to the stack's broker, EHR and keys. */
    public ServiceInstance service(String name) {
        return new ServiceWiring(settings, artifacts, tokens).instance(name);
    }

    /** Where the CDS Hooks services are: the audience of the CDS client's tokens. */
    public String cdsServices() {
        return ServiceWiring.cdsServices(settings);
    }

    private LocalBroker broker() {
        return new LocalBroker(settings, run, say);
    }

    private LocalPostgres postgres() {
        return new LocalPostgres(settings, artifacts);
    }

    /** A component whose process was started, and where its log stood then: what its readiness is judged from. */
    public record Launched(Component component, long logFrom) {
    }

    /** Starts a component's process without waiting for it. */
    public Launched launch(String name) {
        Component component = component(name);
        component.prepare();
        // glibc gives each thread that allocates natively an arena of its own, and a JVM has a hundred threads: RSS
        // the JVM never asked for (the notifier after a soak: 268 MiB with the default, 243 with 2), as compose and
        // Kubernetes set too
        long logFrom = run.start(component.launch().withEnvironment(Map.of("MALLOC_ARENA_MAX", settings.mallocArenaMax())));
        return new Launched(component, Math.max(logFrom, 0));
    }

    public void await(Launched launched) {
        Component component = launched.component();
        Readiness readiness = component.readiness(launched.logFrom());
        run.await(component.name(), readiness, settings.readyTimeout(), launched.logFrom());
        component.afterReady();
        say.accept("  " + component.name() + " ready: " + component.readyLine(readiness));
    }

    /** Starts a component and returns once it is ready. */
    public void start(String name) {
        await(launch(name));
    }

    /** Everything, started side by side where nothing waits on another, and returns once all are ready. */
    public void up() {
        run.prepare();
        say.accept("starting lems-triage (run folder " + settings.runDir() + ")");
        tokens.ensureKeys();
        start("kafka");
        Launched ehr = launch("ehr");
        Launched keycloak = settings.readSide() ? launch("keycloak") : null;
        List<Launched> pipeline = PIPELINE.stream().map(this::launch).toList();
        Launched readSide = null;
        if (settings.readSide()) {
            start("postgres");
            await(keycloak);
            readSide = launch("read-side");
        }
        await(ehr);
        pipeline.forEach(this::await);
        if (readSide != null) {
            await(readSide);
        }
        say.accept("lems-triage is up: POST FHIR Observations to " + settings.serviceUrl("ingest") + "/fhir/Observation");
        say.accept("  with a bearer token: curl -H \"Authorization: Bearer $(deploy/local/stack token)\" ...");
    }

    public boolean anyRunning() {
        return COMPONENTS.stream().anyMatch(run::running) || SECOND_INSTANCES.stream().anyMatch(run::running);
    }

    /**
     * Stops exactly what {@code up} started. Unless kept, the broker's, the classifier's and the audit store's data go:
     * the EHR (sandbox or in-memory HAPI FHIR JPA) keeps nothing across restarts, and kept broker or classifier data
     * would believe in Tasks the new EHR never saw.
     */
    public void down(boolean keepData) {
        say.accept("stopping lems-triage");
        List<String> order = new ArrayList<>(SECOND_INSTANCES);
        order.addAll(List.of("read-side", "notifier", "classifier", "ingest", "keycloak", "postgres", "ehr", "kafka"));
        order.forEach(run::stop);
        if (!keepData) {
            disk().unmount();
            for (Path data : List.of(broker().folder(), settings.runDir().resolve("classifier-state"),
                    settings.runDir().resolve("classifier-2-state"), postgres().folder())) {
                delete(data);
            }
            say.accept("  broker, classifier and audit store data removed (logs kept in " + run.logs() + ")");
        }
    }

    /** Each component: running or stopped, its pid, ready or not, where it answers. */
    public List<String> status() {
        List<String> lines = new ArrayList<>();
        List<String> names = new ArrayList<>(COMPONENTS);
        names.addAll(SECOND_INSTANCES);
        for (String name : names) {
            boolean second = SECOND_INSTANCES.contains(name);
            if (!run.running(name)) {
                if (!second) {
                    lines.add(String.format("%-13s stopped", name));
                }
                continue;
            }
            Component component = component(name);
            Readiness readiness = component.readiness(0);
            String ready = !component.answersHttp() ? "listening" : readiness.ready() ? "ready" : "NOT ready";
            lines.add(String.format("%-13s running  pid %-7s %-9s %s", name, run.pid(name).orElseThrow(), ready, readiness.what()));
        }
        return lines;
    }

    /**
     * Starts one component again as {@code up} did. Not the EHR (the sandbox keeps its data in memory: a new one would
     * hold none of it) nor Keycloak (its realm is imported at start: a new one has no sessions).
     */
    public void relaunch(String name) {
        if (name.equals("ehr") || name.equals("keycloak")) {
            throw new StackException("relaunch takes kafka, postgres, ingest, classifier, notifier, read-side or a second instance"
                    + " (the EHR sandbox keeps its data in memory)");
        }
        run.prepare();
        start(name);
    }

    /**
     * A second instance of each service beside the first (2), started together and awaited; or none again (1).
     * Instances of a service share its consumer groups (Kafka spreads the partitions over them); each has its own port.
     */
    public void scale(int instances) {
        switch (instances) {
            case 2 -> {
                if (!PIPELINE.stream().allMatch(run::running)) {
                    throw new StackException("scale 2 needs the stack up (deploy/local/stack up)");
                }
                SECOND_INSTANCES.stream().map(this::launch).toList().forEach(this::await);
            }
            case 1 -> {
                SECOND_INSTANCES.forEach(run::stop);
                delete(settings.runDir().resolve("classifier-2-state"));
            }
            default -> throw new StackException("scale takes 1 or 2 (instances of each service)");
        }
    }

    /**
     * Stops the EHR and starts one of {@code kind} ({@code sandbox} or {@code hapi}) on the same port, returning once it
     * is ready: the services keep running and find it there. The new EHR holds only its seed (the synthetic patients).
     */
    public LocalStack replaceEhr(String kind) {
        run.stop("ehr");
        LocalStack other = new LocalStack(settings.withEhr(kind), say);
        other.start("ehr");
        return other;
    }

    public void kill9(String name) {
        run.kill9(name);
    }

    public void pause(String name) {
        run.signal(name, "STOP");
    }

    public void resume(String name) {
        run.signal(name, "CONT");
    }

    public BrokerDisk disk() {
        return new BrokerDisk(broker().data(), settings.kafkaDataSize().isPresent(), say);
    }

    /** An access token from the stack's Keycloak for one of the realm's demo users. */
    public String staffToken(String user) {
        return new LocalKeycloak(settings, artifacts).staffToken(user);
    }

    /** The processes the benchmark measures, by component name: pid. */
    public Map<String, Long> pids(List<String> names) {
        Map<String, Long> pids = new java.util.LinkedHashMap<>();
        names.forEach(name -> run.pid(name).ifPresent(pid -> pids.put(name, pid)));
        return pids;
    }

    private static void delete(Path folder) {
        if (!Files.exists(folder)) {
            return;
        }
        try (var paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new StackException(folder + " could not be removed: " + e.getMessage(), e);
        }
    }
}
