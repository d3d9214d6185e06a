package org.lemstriage.testsupport;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNode;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.lemstriage.model.Topics;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class KafkaBrokerTest {

    /**
     * A test JVM's exit deletes the broker's folders (Kafka's TestUtils registers that) while a broker a Quarkus test's
     * class loader started may still run; its log directories gone, Kafka halts the JVM with status 1, and failsafe
     * reports "Error occurred in starting fork" after every test passed. The test broker refuses that: this JVM goes on.
     */
    @Test
    void aBrokerWhoseFoldersVanishDoesNotEndTheTestJvm() throws Exception {
        long before = KafkaBroker.endsRefused();
        KafkaClusterTestKit kit = KafkaBroker.startDedicated(1);
        try {
            List<String> folders = new ArrayList<>();
            for (TestKitNode node : kit.nodes().brokerNodes().values()) {
                folders.addAll(node.logDataDirectories());
                folders.add(node.metadataDirectory());
            }
            for (String folder : folders) {
                deleteWhileTheBrokerWrites(new File(folder), before);
            }
            try (var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kit.bootstrapServers(),
                    ProducerConfig.MAX_BLOCK_MS_CONFIG, 2000, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 3000,
                    ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000), new StringSerializer(), new StringSerializer())) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (KafkaBroker.endsRefused() == before && System.nanoTime() < deadline) {
                    producer.send(new ProducerRecord<>(Topics.LAB_OBSERVATION, "k", "v"));
                    Thread.sleep(100);
                }
            }
        } finally {
            KafkaBroker.closeQuietly(kit);
        }
        assertThat(KafkaBroker.endsRefused()).as("Kafka asked to end the JVM, and it goes on").isGreaterThan(before);
    }

    /**
     * Deletes a folder the running broker may write a file into meanwhile: the delete fails then, and goes again, until
     * the folder is gone or the broker has failed on it (asked to end the JVM), for 30 s at most.
     */
    private static void deleteWhileTheBrokerWrites(File folder, long endsBefore) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (folder.exists() && KafkaBroker.endsRefused() == endsBefore && System.nanoTime() < deadline) {
            try {
                Utils.delete(folder);
            } catch (IOException writtenMeanwhile) {
                Thread.sleep(20);
            }
        }
    }
}
