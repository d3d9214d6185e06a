package org.lemstriage.stack;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.lemstriage.model.Topics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A real Kafka broker process: Apache Kafka's own jars (stand-ins/kafka-broker/pom.xml, resolved into the run folder),
 * one KRaft node as broker and controller, the pipeline's topics ({@link Topics#ALL}) made with three partitions.
 */
final class LocalBroker implements Component {
    static final String NAME = "kafka";
    static final int PARTITIONS = 3;

    private final StackSettings settings;
    private final RunFolder run;
    private final Consumer<String> say;

    LocalBroker(StackSettings settings, RunFolder run, Consumer<String> say) {
        this.settings = settings;
        this.run = run;
        this.say = say;
    }

    @Override
    public String name() {
        return NAME;
    }

    Path folder() {
        return settings.runDir().resolve("kafka");
    }

    /** The broker's log directory: a tmpfs when LT_KAFKA_DATA_SIZE is set, that {@link BrokerDisk} fills or remounts. */
    Path data() {
        return folder().resolve("data");
    }

    Path classpath() {
        return classpath(settings);
    }

    /** Kafka's jars, resolved by {@link Build} from stand-ins/kafka-broker/pom.xml into the run folder. */
    static Path classpath(StackSettings settings) {
        return settings.runDir().resolve("broker-lib");
    }

    @Override
    public void prepare() {
        try {
            if (!Files.isDirectory(data())) {
                Files.createDirectories(data());
                Files.setPosixFilePermissions(data(), PosixFilePermissions.fromString("rwx------"));
            }
            settings.kafkaDataSize().ifPresent(size -> {
                if (!BrokerDisk.mounted(data())) {
                    if (Processes.exitCode(List.of("mount", "-t", "tmpfs", "-o", "size=" + size, "lems-triage-kafka", data().toString()), null) != 0) {
                        throw new StackException("cannot mount a tmpfs on " + data() + " (root only)");
                    }
                }
            });
            Path properties = folder().resolve("server.properties");
            Files.writeString(properties, serverProperties());
            if (!run.running(NAME) && !Files.exists(data().resolve("meta.properties"))) {
                Path log = run.log(NAME);
                String clusterId = Uuid.randomUuid().toString(); // what StorageTool's random-uuid prints
                if (Processes.exitCode(tool("kafka.tools.StorageTool", "format", "-t", clusterId, "-c", properties.toString()), log) != 0) {
                    throw new StackException("the broker's storage was not formatted; see " + log);
                }
            }
        } catch (IOException e) {
            // A read-only log directory (a fault the suite makes) ends here: the broker is not started
            throw new StackException("the broker's folder " + folder() + " cannot be prepared: " + e, e);
        }
    }

    private String serverProperties() {
        int port = settings.port(NAME);
        int controller = settings.port("kafka-controller");
        return String.join("\n",
                "# Single-node KRaft broker and controller for the local stack",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@localhost:" + controller,
                "listeners=PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controller,
                "advertised.listeners=PLAINTEXT://localhost:" + port,
                "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "inter.broker.listener.name=PLAINTEXT",
                "log.dirs=" + data(),
                "num.partitions=" + PARTITIONS,
                "# One node cannot hold three replicas: without these, consumer groups and transactions hang",
                "offsets.topic.replication.factor=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "group.initial.rebalance.delay.ms=0", "");
    }

    @Override
    public Launch launch() {
        List<String> options = new java.util.ArrayList<>(settings.jvmOptions("kafka"));
        options.addAll(List.of("-cp", classpath() + "/*", "kafka.Kafka", folder().resolve("server.properties").toString()));
        return Launch.java(NAME, settings.java(), settings.port(NAME), options).withPort("kafka-controller", settings.port("kafka-controller"));
    }

    @Override
    public Readiness readiness(long logFrom) {
        return Readiness.port(settings.port(NAME));
    }

    @Override
    public String readyLine(Readiness readiness) {
        return readiness.what() + ", topics " + String.join(" ", Topics.ALL);
    }

    @Override
    public boolean answersHttp() {
        return false;
    }

    /** The pipeline's topics, those missing made. */
    @Override
    public void afterReady() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.kafkaBootstrap()))) {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = Topics.ALL.stream().filter(t -> !existing.contains(t))
                    .map(t -> new NewTopic(t, PARTITIONS, (short) 1)).toList();
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get();
            }
        } catch (Exception e) {
            throw new StackException("the pipeline's topics were not made: " + e.getMessage(), e);
        }
    }

    private List<String> tool(String main, String... arguments) {
        List<String> command = new java.util.ArrayList<>(List.of(settings.java(), "-Xmx128m", "-cp", classpath() + "/*", main));
        command.addAll(List.of(arguments));
        return command;
    }
}
