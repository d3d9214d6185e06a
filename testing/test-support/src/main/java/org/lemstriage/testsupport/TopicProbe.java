package org.lemstriage.testsupport;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Reads a topic of the real broker as an outside observer would: by partition assignment, no consumer group, and
 * only committed records (read_committed), so transactional writes are seen only once committed.
 */
public final class TopicProbe implements AutoCloseable {
    private final KafkaConsumer<String, String> consumer;
    private final List<TopicPartition> partitions;

    public TopicProbe(String bootstrapServers, String topic) {
        this(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), topic);
    }

    /** On a broker that needs more than its address: {@code client} holds bootstrap and security settings. */
    public TopicProbe(Map<String, Object> client, String topic) {
        Map<String, Object> config = new java.util.HashMap<>(client);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        this.consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
        this.partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
    }

    /** Opens a probe positioned at the current end: it sees only what is written from now on. */
    public static TopicProbe fromNow(String bootstrapServers, String topic) {
        return new TopicProbe(bootstrapServers, topic).atEnd();
    }

    /** {@link #fromNow(String, String)} on a broker that needs security settings. */
    public static TopicProbe fromNow(Map<String, Object> client, String topic) {
        return new TopicProbe(client, topic).atEnd();
    }

    private TopicProbe atEnd() {
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        return this;
    }

    /** Polls until a record matches (returned with all read so far) or the timeout passes (all read so far). */
    public List<ConsumerRecord<String, String>> pollUntil(Predicate<ConsumerRecord<String, String>> done, Duration timeout) {
        List<ConsumerRecord<String, String>> seen = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                seen.add(record);
                if (done.test(record)) {
                    return seen;
                }
            }
        }
        return seen;
    }

    /** The first record that matches; an AssertionError naming the topic and how many records were read after {@code timeout}. */
    public ConsumerRecord<String, String> awaitRecord(Predicate<ConsumerRecord<String, String>> match, Duration timeout) {
        List<ConsumerRecord<String, String>> seen = pollUntil(match, timeout);
        if (seen.isEmpty() || !match.test(seen.get(seen.size() - 1))) {
            throw new AssertionError("no matching record on " + partitions.get(0).topic() + " within " + timeout.toSeconds()
                    + " s (" + seen.size() + " others read)");
        }
        return seen.get(seen.size() - 1);
    }

    /**
     * For each of {@code matches}, the first record it matches, however the records arrive: records of several
     * partitions come in any order, and one awaited after another may already have been read and passed over.
     */
    @SafeVarargs
    public final List<ConsumerRecord<String, String>> awaitEach(Duration timeout, Predicate<ConsumerRecord<String, String>>... matches) {
        List<ConsumerRecord<String, String>> found = new ArrayList<>(java.util.Collections.nCopies(matches.length, null));
        List<ConsumerRecord<String, String>> seen = pollUntil(r -> {
            for (int i = 0; i < matches.length; i++) {
                if (found.get(i) == null && matches[i].test(r)) {
                    found.set(i, r);
                }
            }
            return !found.contains(null);
        }, timeout);
        if (found.contains(null)) {
            throw new AssertionError("no record on " + partitions.get(0).topic() + " for match " + found.indexOf(null) + " within "
                    + timeout.toSeconds() + " s (" + seen.size() + " others read)");
        }
        return found;
    }

    /** Everything that arrives within the given time. */
    public List<ConsumerRecord<String, String>> pollFor(Duration duration) {
        return pollUntil(r -> false, duration);
    }

    /** Sum of the end offsets of all partitions: grows with every write (and every transaction marker). */
    public long endOffsetSum() {
        return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
    }

    @Override
    public void close() {
        consumer.close();
    }
}
