package org.lemstriage.model.kafka;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import org.lemstriage.model.Topics;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DeadLetterReplayTest {

    @Test
    void aParkedDecisionGoesBackToItsTopicAsItCameWithoutTheDeadLetterHeadersAndNamingWhatItReplays() throws Exception {
        Headers headers = new RecordHeaders().add("traceparent", bytes("00-abc-def-01"))
                .add(DeadLetterReplay.REASON, bytes("ehr-unavailable: 503")).add(DeadLetterReplay.TOPIC, bytes(Topics.TRIAGE_DECISION))
                .add(DeadLetterReplay.PARTITION, bytes("2")).add(DeadLetterReplay.OFFSET, bytes("41"))
                .add(ResultAccepted.HEADER, bytes("1764900000000"));
        ProducerRecord<byte[], byte[]> replay = DeadLetterReplay.of(parked(Topics.TRIAGE_DECISION_DLQ, 7, headers));

        assertThat(replay.topic()).isEqualTo(Topics.TRIAGE_DECISION);
        assertThat(replay.partition()).as("the key places it, as it placed the original").isNull();
        assertThat(new String(replay.key(), StandardCharsets.UTF_8)).isEqualTo("Patient/p1");
        assertThat(new String(replay.value(), StandardCharsets.UTF_8)).isEqualTo("{\"decisionId\":\"ep/1\"}");
        assertThat(DeadLetterReplay.header(replay.headers(), "traceparent")).contains("00-abc-def-01");
        assertThat(replay.headers().toArray()).noneMatch(h -> h.key().startsWith("dead-letter-"));
        assertThat(ResultAccepted.in(replay.headers())).as("timed from its replay, not from a result accepted days ago").isEmpty();
        assertThat(DeadLetterReplay.header(replay.headers(), DeadLetterReplay.REPLAYED_FROM)).contains(Topics.TRIAGE_DECISION_DLQ + "/0/7");
    }

    @Test
    void aHeaderCannotSendARecordToATopicItsDeadLetterTopicDoesNotCollectFrom() {
        for (String origin : new String[]{Topics.TRIAGE_AUDIT, Topics.LAB_OBSERVATION, "__consumer_offsets", ""}) {
            Headers headers = new RecordHeaders().add(DeadLetterReplay.TOPIC, bytes(origin));
            assertThatThrownBy(() -> DeadLetterReplay.of(parked(Topics.TRIAGE_DECISION_DLQ, 1, headers))).as(origin)
                    .isInstanceOf(DeadLetterReplay.NotReplayable.class).hasMessageContaining("does not collect from");
        }
        assertThatThrownBy(() -> DeadLetterReplay.of(parked(Topics.TRIAGE_DECISION_DLQ, 1, new RecordHeaders())))
                .isInstanceOf(DeadLetterReplay.NotReplayable.class).hasMessage("no dead-letter-topic header");
        assertThatThrownBy(() -> DeadLetterReplay.of(parked(Topics.TRIAGE_DECISION, 1, new RecordHeaders())))
                .isInstanceOf(DeadLetterReplay.NotReplayable.class).hasMessageContaining("is not a dead-letter topic");
    }

    @Test
    void everyDeadLetterTopicIsReplayableAndNoneReplaysIntoADeadLetterTopic() {
        assertThat(DeadLetterReplay.ORIGINS.keySet()).containsExactlyInAnyOrderElementsOf(
                Topics.ALL.stream().filter(t -> t.endsWith(".dlq")).toList());
        assertThat(DeadLetterReplay.ORIGINS.values()).allSatisfy(origins -> assertThat(origins).isNotEmpty()
                .allSatisfy(t -> assertThat(Topics.ALL).contains(t)).noneMatch(t -> t.endsWith(".dlq")));
    }

    @Test
    void aRecordReplayedAndParkedAgainNamesOnlyTheLatestParking() throws Exception {
        Headers headers = new RecordHeaders().add(DeadLetterReplay.REPLAYED_FROM, bytes(Topics.LAB_OBSERVATION_DLQ + "/0/1"))
                .add(DeadLetterReplay.TOPIC, bytes(Topics.LAB_OBSERVATION));
        ProducerRecord<byte[], byte[]> replay = DeadLetterReplay.of(parked(Topics.LAB_OBSERVATION_DLQ, 9, headers));
        assertThat(replay.headers().headers(DeadLetterReplay.REPLAYED_FROM)).hasSize(1);
        assertThat(DeadLetterReplay.header(replay.headers(), DeadLetterReplay.REPLAYED_FROM)).isEqualTo(Optional.of(Topics.LAB_OBSERVATION_DLQ + "/0/9"));
    }

    private static ConsumerRecord<byte[], byte[]> parked(String topic, long offset, Headers headers) {
        return new ConsumerRecord<>(topic, 0, offset, 0L, TimestampType.CREATE_TIME, 0, 0, bytes("Patient/p1"),
                bytes("{\"decisionId\":\"ep/1\"}"), headers, Optional.empty());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
