package org.lemstriage.testsupport;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.lemstriage.model.Topics;
import org.lemstriage.model.kafka.KafkaGrants.Grant;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Kafka broker secured as a hospital's is: clients reach it only over TLS (SASL_SSL, a certificate for
 * {@code localhost} signed by a CA of its own), authenticate with SASL/SCRAM-SHA-512, and may do only what an ACL
 * allows (StandardAuthorizer, nothing allowed without an ACL). A real broker process from Apache Kafka's jars (this
 * JVM's classpath), formatted with its SCRAM users as a production KRaft cluster is. The controller listener stays on
 * loopback with SASL/PLAIN: KRaft controllers cannot use SCRAM (its credentials live in the metadata they serve).
 */
public final class SecuredKafkaBroker implements AutoCloseable {
    /** The super user that creates topics and ACLs, as a Kafka team's own account would. */
    public static final String ADMIN = "admin";
    private static final String STORE_PASSWORD = "broker-store";

    private final Path dir;
    private final int port;
    private final Map<String, String> passwords;
    private final Process process;

    private SecuredKafkaBroker(Path dir, int port, Map<String, String> passwords, Process process) {
        this.dir = dir;
        this.port = port;
        this.passwords = passwords;
        this.process = process;
    }

    /**
     * Starts a broker with one SCRAM user per entry of {@code grants} (plus {@link #ADMIN}), the pipeline's topics, and
     * for each user exactly the ACLs given.
     */
    public static SecuredKafkaBroker start(Map<String, List<Grant>> grants) throws Exception {
        Path dir = Files.createTempDirectory("secured-kafka");
        Map<String, String> passwords = new LinkedHashMap<>();
        passwords.put(ADMIN, secret());
        grants.keySet().forEach(user -> passwords.put(user, secret()));
        makeCertificates(dir);
        int port = Ports.free();
        Path properties = Files.writeString(dir.resolve("server.properties"), serverProperties(dir, port, Ports.free(), passwords.get(ADMIN)));
        List<String> format = new ArrayList<>(List.of("kafka.tools.StorageTool", "format", "-t", "lems-triage-secured-0001A",
                "-c", properties.toString()));
        passwords.forEach((user, password) -> format.addAll(List.of("--add-scram", "SCRAM-SHA-512=[name=" + user + ",password=" + password + "]")));
        run(dir, java(format), "format");
        Process process = new ProcessBuilder(java(List.of("kafka.Kafka", properties.toString()))).redirectErrorStream(true)
                .redirectOutput(dir.resolve("broker.log").toFile()).start();
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
        SecuredKafkaBroker broker = new SecuredKafkaBroker(dir, port, passwords, process);
        broker.provision(grants);
        return broker;
    }

    public String bootstrapServers() {
        return "localhost:" + port;
    }

    /** The CA certificate (PEM) clients trust the broker by. */
    public Path caCertificate() {
        return dir.resolve("ca.pem");
    }

    public String password(String user) {
        return passwords.get(user);
    }

    /** Client settings for {@code user} with {@code password}: TLS trusting the broker's CA, SCRAM-SHA-512. */
    public Map<String, Object> clientConfig(String user, String password) {
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL");
        config.put(SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-512");
        config.put(SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                + user + "\" password=\"" + password + "\";");
        config.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
        config.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, caCertificate().toString());
        return config;
    }

    /** The same settings as a service takes them: system properties under {@code kafka.}. */
    public Map<String, String> serviceProperties(String user, String password) {
        Map<String, String> properties = new HashMap<>();
        clientConfig(user, password).forEach((key, value) -> properties.put("kafka." + key, String.valueOf(value)));
        return properties;
    }

    /** Waits for the broker, then as {@link #ADMIN} creates the topics and the ACLs. */
    private void provision(Map<String, List<Grant>> grants) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Map<String, Object> admin = clientConfig(ADMIN, password(ADMIN));
        admin.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, 5000);
        admin.put(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
        try (Admin client = Admin.create(admin)) {
            while (true) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("secured broker exited; see " + dir.resolve("broker.log"));
                }
                try {
                    client.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                    break;
                } catch (Exception notYet) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("secured broker not up within 60 s; see " + dir.resolve("broker.log"), notYet);
                    }
                    Thread.sleep(500);
                }
            }
            client.createTopics(Topics.ALL.stream().map(t -> new NewTopic(t, KafkaBroker.PARTITIONS, (short) 1)).toList()).all().get();
            List<AclBinding> acls = new ArrayList<>();
            grants.forEach((user, list) -> list.forEach(grant -> acls.add(grant.aclFor("User:" + user))));
            client.createAcls(acls).all().get();
        }
    }

    private static String serverProperties(Path dir, int port, int controllerPort, String adminPassword) {
        return """
                process.roles=broker,controller
                node.id=1
                controller.quorum.voters=1@localhost:%2$d
                listeners=SASL_SSL://localhost:%1$d,CONTROLLER://localhost:%2$d
                advertised.listeners=SASL_SSL://localhost:%1$d
                controller.listener.names=CONTROLLER
                listener.security.protocol.map=SASL_SSL:SASL_SSL,CONTROLLER:SASL_PLAINTEXT
                inter.broker.listener.name=SASL_SSL
                sasl.enabled.mechanisms=SCRAM-SHA-512
                sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
                listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required \
                username="admin" password="%3$s";
                sasl.mechanism.controller.protocol=PLAIN
                listener.name.controller.sasl.enabled.mechanisms=PLAIN
                listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required \
                username="admin" password="%3$s" user_admin="%3$s";
                ssl.keystore.type=PKCS12
                ssl.keystore.location=%4$s/broker.p12
                ssl.keystore.password=%5$s
                ssl.truststore.type=PEM
                ssl.truststore.location=%4$s/ca.pem
                authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
                super.users=User:admin
                allow.everyone.if.no.acl.found=false
                log.dirs=%4$s/data
                offsets.topic.replication.factor=1
                offsets.topic.num.partitions=3
                transaction.state.log.replication.factor=1
                transaction.state.log.min.isr=1
                transaction.state.log.num.partitions=3
                group.initial.rebalance.delay.ms=0
                """.formatted(port, controllerPort, adminPassword, dir, STORE_PASSWORD);
    }

    /** A CA, and a certificate for localhost (DNS name only) signed by it: ca.pem, and broker.p12 with its chain. */
    private static void makeCertificates(Path dir) throws Exception {
        CertificateAuthority.create(dir, "lems-triage test CA", STORE_PASSWORD).issue("broker", "CN=localhost", "dns:localhost");
    }

    private static List<String> java(List<String> mainAndArguments) {
        return concat(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-cp", System.getProperty("java.class.path")), mainAndArguments);
    }

    private static void run(Path dir, List<String> command, String what) throws Exception {
        Path log = dir.resolve("setup.log");
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("secured broker set-up failed at: " + what + "; see " + log);
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static String secret() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
