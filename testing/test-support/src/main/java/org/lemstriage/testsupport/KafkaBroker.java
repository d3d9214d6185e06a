package org.lemstriage.testsupport;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.common.utils.Exit;
import org.lemstriage.model.Topics;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) in this JVM, from Apache Kafka's own
 * KafkaClusterTestKit. One per JVM, started on first use and stopped by {@link TestSession} when the test session
 * ends (not in a shutdown hook: a broker stopping while the JVM exits can hang the exit), so test classes share it.
 * The pipeline's topics exist before any test runs.
 */
public final class KafkaBroker {
    /** Partitions per topic: more than one, so per-patient ordering by key is actually exercised. */
    public static final int PARTITIONS = 3;
    private static KafkaClusterTestKit cluster;
    private static final AtomicLong ENDS_REFUSED = new AtomicLong();

    private KafkaBroker() {
    }

    /** Starts the broker if it is not running; returns its bootstrap servers. */
    public static synchronized String bootstrapServers() {
        if (cluster == null) {
            cluster = start(PARTITIONS);
        }
        return cluster.bootstrapServers();
    }

    /**
     * A broker of the caller's own, not the shared one, with the pipeline's topics on {@code partitions} partitions
     * each (a scale-out test needs more partitions than instances); the caller closes it.
     */
    public static KafkaClusterTestKit startDedicated(int partitions) {
        return start(partitions);
    }

    private static KafkaClusterTestKit start(int partitions) {
        refuseToEndTheJvm();
        try {
            KafkaClusterTestKit kit = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                    .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build())
                    // A single node cannot hold 3 replicas: without these, consumer groups and transactions hang
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("offsets.topic.num.partitions", "3")
                    .setConfigProp("transaction.state.log.replication.factor", "1")
                    .setConfigProp("transaction.state.log.min.isr", "1")
                    .setConfigProp("transaction.state.log.num.partitions", "3")
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    .build();
            kit.format();
            kit.startup();
            kit.waitForReadyBrokers();
            createTopics(kit.bootstrapServers(), partitions);
            return kit;
        } catch (Exception e) {
            throw new IllegalStateException("Kafka test broker did not start", e);
        }
    }

    /**
     * Deletes {@code topic} and makes it again, empty, its offsets from 0 (a topic restored or moved to another
     * cluster); returns once the new one has its partitions. A client may have the broker make it again first (with
     * one partition, as clients may ask for a topic they do not find): then it gets its partitions added.
     */
    public static void recreateTopic(String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            Uuid old = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).topicId();
            admin.deleteTopics(List.of(topic)).all().get();
            Eventually.await(() -> {
                try {
                    TopicDescription now = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
                    if (now.topicId().equals(old)) {
                        return false;
                    }
                    if (now.partitions().size() < PARTITIONS) {
                        admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(PARTITIONS))).all().get();
                        return false;
                    }
                    return true;
                } catch (Exception gone) {
                    try {
                        admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get();
                    } catch (Exception notYet) {
                        // still being deleted, or made meanwhile: the next look tells
                    }
                    return false;
                }
            }, done -> done, Duration.ofSeconds(30));
        }
    }

    private static void createTopics(String bootstrap, int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(Topics.ALL.stream().map(t -> new NewTopic(t, partitions, (short) 1)).toList()).all().get();
        }
    }

    /**
     * Kafka ends the JVM (halt, status 1) when a broker's log folders fail, and a test JVM's exit deletes them (Kafka's
     * TestUtils registers that) under a broker still running, as one started through a Quarkus test's class loader may
     * be ({@link TestSession} stops the one its own class loader sees). Failsafe then reports "Error occurred in
     * starting fork" after every test passed. A test JVM ends with its tests' result: Kafka's halt and exit are
     * refused, and said on stderr.
     */
    private static void refuseToEndTheJvm() {
        Exit.Procedure refuse = (status, message) -> {
            ENDS_REFUSED.incrementAndGet();
            System.err.println("The Kafka test broker asked to end the JVM (status " + status + ": " + message + "); refused");
        };
        Exit.setHaltProcedure(refuse);
        Exit.setExitProcedure(refuse);
    }

    /** How often Kafka asked to end this JVM and was refused. */
    static long endsRefused() {
        return ENDS_REFUSED.get();
    }

    /** Closes a dedicated broker, saying so when it does not close cleanly. */
    static void closeQuietly(KafkaClusterTestKit kit) {
        try {
            kit.close();
        } catch (Exception e) {
            System.err.println("Kafka test broker did not stop cleanly: " + e);
        }
    }

    static synchronized void stop() {
        if (cluster != null) {
            closeQuietly(cluster);
            cluster = null;
        }
    }
}
