package org.lemstriage.bench;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.lemstriage.model.event.EventJson;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What is written to some topics from the moment this is made, read as it comes (committed records only, as the
 * services' consumers read them), each with the time it arrived here: the broker's own timestamps are not processing
 * times (Kafka Streams gives a decision its input's timestamp).
 */
final class TopicWindow implements AutoCloseable {
    /** A record's value as JSON (null if it is not JSON), and when it arrived here (epoch ms). */
    record Entry(String topic, long arrivedAt, JsonNode value) {
    }

    private final KafkaConsumer<String, String> offsets;
    private final Map<TopicPartition, Long> start;
    private final Map<TopicPartition, Long> position = new ConcurrentHashMap<>();
    private final List<Entry> entries = new CopyOnWriteArrayList<>();
    private final Thread reader;
    private volatile boolean open = true;

    TopicWindow(String bootstrap, List<String> topics) {
        offsets = consumer(bootstrap);
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            offsets.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        start = Map.copyOf(offsets.endOffsets(partitions));
        position.putAll(start);
        reader = new Thread(() -> follow(consumer(bootstrap)), "topic-window");
        reader.setDaemon(true);
        reader.start();
    }

    private static KafkaConsumer<String, String> consumer(String bootstrap) {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new StringDeserializer());
    }

    private void follow(KafkaConsumer<String, String> consumer) {
        try (consumer) {
            consumer.assign(start.keySet());
            start.forEach(consumer::seek);
            while (open) {
                try {
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                        entries.add(new Entry(r.topic(), System.currentTimeMillis(), json(r.value())));
                    }
                    start.keySet().forEach(p -> position.put(p, consumer.position(p)));
                } catch (org.apache.kafka.common.errors.TimeoutException | org.apache.kafka.common.errors.DisconnectException e) {
                    // the broker may be the fault under test: keep following
                }
            }
        }
    }

    private static JsonNode json(String value) {
        try {
            return EventJson.mapper().readTree(value);
        } catch (Exception notJson) {
            return null; // a dead letter as it was sent: counted, not read
        }
    }

    /** Everything written to {@code topic} since, once this window has read up to the topic's end as of now. */
    List<Entry> read(String topic) throws InterruptedException {
        List<TopicPartition> partitions = start.keySet().stream().filter(p -> p.topic().equals(topic)).toList();
        Map<TopicPartition, Long> end = offsets.endOffsets(partitions);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (partitions.stream().anyMatch(p -> position.get(p) < end.get(p)) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        return entries.stream().filter(e -> e.topic().equals(topic) && e.value() != null).toList();
    }

    /** How many offsets {@code topic} advanced since (transaction markers included: for a non-transactional DLQ, records). */
    long count(String topic) {
        List<TopicPartition> partitions = start.keySet().stream().filter(p -> p.topic().equals(topic)).toList();
        return offsets.endOffsets(partitions).entrySet().stream().mapToLong(e -> e.getValue() - start.get(e.getKey())).sum();
    }

    @Override
    public void close() throws InterruptedException {
        open = false;
        reader.join(5000);
        offsets.close();
    }
}
