package org.lemstriage.classifier.kafka;

import org.apache.kafka.common.header.Headers;
import org.lemstriage.model.Topics;
import org.lemstriage.model.event.ClinicalContext;
import org.lemstriage.model.event.LabResult;
import org.lemstriage.model.serde.ClinicalContextSerde;
import org.lemstriage.model.serde.LabResultSerde;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Where the classifier's stream parks a record it cannot read or apply, and how: each input's dead-letter topic
 * (lab.observation.v1 to lab.observation.dlq; triage.context.v1, the classifier's own answers, to its internal
 * triage.context-request.dlq), the record as it came, and the reason and origin in the header names of SmallRye's
 * dead-letter queue, which the other services use. A reason names the failure, never an identifier or a value.
 */
final class DeadLetters {
    static final Map<String, String> BY_INPUT = Map.of(
            Topics.LAB_OBSERVATION, Topics.LAB_OBSERVATION_DLQ,
            Topics.CONTEXT, Topics.CONTEXT_REQUEST_DLQ);

    private DeadLetters() {
    }

    /** The dead-letter topic of an input; lab.observation.dlq for one not named (there is none today). */
    static String of(String input) {
        return BY_INPUT.getOrDefault(input, Topics.LAB_OBSERVATION_DLQ);
    }

    static void describe(Headers headers, String reason, String topic, int partition, long offset) {
        headers.add("dead-letter-reason", bytes(reason))
                .add("dead-letter-cause", bytes(reason.substring(0, reason.indexOf(':') < 0 ? reason.length() : reason.indexOf(':'))))
                .add("dead-letter-topic", bytes(topic))
                .add("dead-letter-partition", bytes(String.valueOf(partition)))
                .add("dead-letter-offset", bytes(String.valueOf(offset)));
    }

    /** A record the stream had read, written again as its input's JSON. */
    static byte[] bytes(String topic, Object value) {
        if (value instanceof LabResult result) {
            return new LabResultSerde().serialize(topic, result);
        }
        if (value instanceof ClinicalContext context) {
            return new ClinicalContextSerde().serialize(topic, context);
        }
        return value == null ? null : bytes(String.valueOf(value.getClass().getName()));
    }

    private static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
