package org.lemstriage.readside.deadletter;

import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.lemstriage.model.kafka.KafkaClientSettings;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The records parked on a dead-letter topic, read when asked: by assignment (no consumer group, nothing committed),
 * committed records only, as the services wrote them (the classifier parks in Kafka transactions).
 */
@ApplicationScoped
public class ParkedRecords {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Duration POLL = Duration.ofMillis(200);

    private final Map<String, Object> config;

    public ParkedRecords(@Identifier("default-kafka-broker") Map<String, Object> kafka) {
        config = KafkaClientSettings.of(kafka, ConsumerConfig.configNames(), "lems-triage-read-side-dead-letters");
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
    }

    /** The latest {@code limit} records of the topic, newest first, and how many it holds in all. */
    public Latest latest(String topic, int limit) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        long[] held = {0};
        read(topic, (consumer, range) -> {
            range.forEach((p, r) -> {
                held[0] += r[1] - r[0];
                consumer.seek(p, Math.max(r[0], r[1] - limit));
            });
        }, records::add);
        records.sort(Comparator.comparingLong((ConsumerRecord<byte[], byte[]> r) -> r.timestamp()).reversed());
        return new Latest(records.stream().limit(limit).toList(), held[0]);
    }

    /** A topic's latest records and its size (offsets, so transaction markers count). */
    public record Latest(List<ConsumerRecord<byte[], byte[]>> records, long held) {
    }

    /** Every record the topic holds now, oldest first per partition. */
    public void each(String topic, Consumer<ConsumerRecord<byte[], byte[]>> action) {
        read(topic, (consumer, range) -> range.forEach((p, r) -> consumer.seek(p, r[0])), action);
    }

    /** The record at that place, if the topic still holds it. */
    public Optional<ConsumerRecord<byte[], byte[]>> at(String topic, int partition, long offset) {
        List<ConsumerRecord<byte[], byte[]>> found = new ArrayList<>();
        TopicPartition wanted = new TopicPartition(topic, partition);
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            if (consumer.partitionsFor(topic, TIMEOUT).stream().noneMatch(p -> p.partition() == partition)) {
                return Optional.empty();
            }
            consumer.assign(List.of(wanted));
            long end = consumer.endOffsets(List.of(wanted), TIMEOUT).get(wanted);
            if (offset >= end || offset < consumer.beginningOffsets(List.of(wanted), TIMEOUT).get(wanted)) {
                return Optional.empty();
            }
            consumer.seek(wanted, offset);
            Instant deadline = Instant.now().plus(TIMEOUT);
            while (found.isEmpty() && consumer.position(wanted) <= offset && Instant.now().isBefore(deadline)) {
                consumer.poll(POLL).records(wanted).stream().filter(r -> r.offset() == offset).forEach(found::add);
            }
        }
        return found.stream().findFirst();
    }

    /** Seeks each partition, then reads to the end offsets the topic had when asked. */
    private void read(String topic, Seek seek, Consumer<ConsumerRecord<byte[], byte[]>> action) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, TIMEOUT).stream()
                    .map(PartitionInfo::partition).map(p -> new TopicPartition(topic, p)).toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions, TIMEOUT);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
            Map<TopicPartition, long[]> range = new HashMap<>();
            partitions.forEach(p -> range.put(p, new long[]{begin.get(p), end.get(p)}));
            seek.seek(consumer, range);
            Instant deadline = Instant.now().plus(TIMEOUT);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (Instant.now().isAfter(deadline)) {
                    throw new org.apache.kafka.common.errors.TimeoutException(topic + " gave nothing for " + TIMEOUT);
                }
                var records = consumer.poll(POLL);
                if (!records.isEmpty()) {
                    deadline = Instant.now().plus(TIMEOUT);
                }
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
                        action.accept(r);
                    }
                }
            }
        }
    }

    @FunctionalInterface
    private interface Seek {
        void seek(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, long[]> range);
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
