package org.lemstriage.readside.pipeline;

import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.lemstriage.model.Topics;
import org.lemstriage.model.kafka.KafkaClientSettings;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The pipeline as the broker sees it, asked when the page is: each lems-triage consumer group's lag, each dead-letter
 * topic's size, and each topic's records in the last minute (its offsets now against those of a minute ago; a
 * transactional topic counts its commit markers too, so that figure is close, not exact).
 */
@ApplicationScoped
public class PipelineState {
    /** Group ids of every lems-triage consumer (and the classifier's Kafka Streams application) start with it. */
    static final String GROUP_PREFIX = "lems-triage-";
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    public record GroupLag(String group, long lag) {
    }

    public record TopicFigure(String topic, long records) {
    }

    /** What the broker answered, or why not. */
    public record Snapshot(List<GroupLag> lag, List<TopicFigure> deadLetters, List<TopicFigure> lastMinute, String unavailable) {
    }

    private final Admin admin;

    public PipelineState(@Identifier("default-kafka-broker") Map<String, Object> kafka) {
        Map<String, Object> config = KafkaClientSettings.of(kafka, AdminClientConfig.configNames(), "lems-triage-read-side-console");
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        this.admin = Admin.create(config);
    }

    public Snapshot now() {
        try {
            List<String> dlqs = Topics.ALL.stream().filter(PipelineState::deadLetter).sorted().toList();
            List<String> main = Topics.ALL.stream().filter(t -> !deadLetter(t)).sorted().toList();
            List<TopicPartition> partitions = partitions(Topics.ALL);
            Map<TopicPartition, Long> earliest = offsets(partitions, p -> OffsetSpec.earliest());
            Map<TopicPartition, Long> latest = offsets(partitions, p -> OffsetSpec.latest());
            long minuteAgo = Instant.now().minusSeconds(60).toEpochMilli();
            Map<TopicPartition, Long> then = offsets(partitions.stream().filter(p -> !deadLetter(p.topic())).toList(),
                    p -> OffsetSpec.forTimestamp(minuteAgo));
            List<TopicFigure> deadLetters = dlqs.stream().map(t -> new TopicFigure(t, sum(t, latest) - sum(t, earliest))).toList();
            List<TopicFigure> lastMinute = main.stream().map(t -> new TopicFigure(t, lastMinute(t, then, latest))).toList();
            return new Snapshot(lag(latest), deadLetters, lastMinute, null);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return new Snapshot(List.of(), List.of(), List.of(), "the broker did not answer (" + cause.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Snapshot(List.of(), List.of(), List.of(), "interrupted");
        }
    }

    private List<GroupLag> lag(Map<TopicPartition, Long> latest) throws ExecutionException, InterruptedException, TimeoutException {
        List<String> groups = admin.listConsumerGroups().all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).stream()
                .map(ConsumerGroupListing::groupId).filter(g -> g.startsWith(GROUP_PREFIX)).sorted().toList();
        List<GroupLag> lags = new ArrayList<>();
        for (String group : groups) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            long lag = 0;
            for (var e : committed.entrySet()) {
                Long end = latest.get(e.getKey());
                if (end != null && e.getValue() != null) {
                    lag += Math.max(0, end - e.getValue().offset());
                }
            }
            lags.add(new GroupLag(group, lag));
        }
        return lags;
    }

    private List<TopicPartition> partitions(List<String> topics) throws ExecutionException, InterruptedException, TimeoutException {
        return admin.describeTopics(topics).allTopicNames().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).values().stream()
                .flatMap(d -> d.partitions().stream().map(p -> new TopicPartition(d.name(), p.partition()))).toList();
    }

    private Map<TopicPartition, Long> offsets(java.util.Collection<TopicPartition> partitions, Function<TopicPartition, OffsetSpec> spec)
            throws ExecutionException, InterruptedException, TimeoutException {
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> answer = admin.listOffsets(
                partitions.stream().collect(Collectors.toMap(p -> p, spec))).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        Map<TopicPartition, Long> offsets = new TreeMap<>(java.util.Comparator.comparing(TopicPartition::toString));
        answer.forEach((p, info) -> offsets.put(p, info.offset()));
        return offsets;
    }

    private static boolean deadLetter(String topic) {
        return topic.endsWith(".dlq");
    }

    private static long sum(String topic, Map<TopicPartition, Long> offsets) {
        return offsets.entrySet().stream().filter(e -> e.getKey().topic().equals(topic)).mapToLong(Map.Entry::getValue).sum();
    }

    /** A partition with nothing written since a minute ago answers -1 for that time: nothing in the last minute. */
    private static long lastMinute(String topic, Map<TopicPartition, Long> then, Map<TopicPartition, Long> latest) {
        long records = 0;
        for (var e : then.entrySet()) {
            if (e.getKey().topic().equals(topic) && e.getValue() >= 0) {
                records += latest.getOrDefault(e.getKey(), e.getValue()) - e.getValue();
            }
        }
        return records;
    }

    @PreDestroy
    void close() {
        admin.close(Duration.ofSeconds(2));
    }
}
