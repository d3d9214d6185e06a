package org.lemstriage.readside.kafka;

import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;
import org.lemstriage.readside.store.UnreadableRecord;
import org.lemstriage.model.Topics;
import org.lemstriage.model.metrics.RecordCounters;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Parks a record the store cannot read on triage.audit-store.dlq, with the headers SmallRye's dead-letter strategy
 * writes (reason, topic, partition, offset). Written here rather than by that strategy: the consumers take records
 * in batches, and the strategy would park a whole batch for one unreadable record.
 */
@ApplicationScoped
public class DeadLetters {
    public static final String CHANNEL = "dead-letters";
    private static final Logger LOG = Logger.getLogger(DeadLetters.class);

    private final MutinyEmitter<String> emitter;
    private final RecordCounters counters;

    public DeadLetters(@Channel(CHANNEL) MutinyEmitter<String> emitter, RecordCounters counters) {
        this.emitter = emitter;
        this.counters = counters;
    }

    /** How a consumer reads a record's value, given where it stands on its topic. */
    @FunctionalInterface
    public interface Reader<T> {
        T read(int partition, long offset, String value) throws UnreadableRecord;
    }

    /** The batch's records as {@code reader} reads them; each one it cannot read is parked here first. */
    public <T> List<T> readable(KafkaRecordBatch<String, String> batch, Reader<T> reader) {
        List<T> readable = new ArrayList<>();
        for (var record : batch) {
            counters.in();
            IncomingKafkaRecordMetadata<String, String> where = record.getMetadata(IncomingKafkaRecordMetadata.class).orElseThrow();
            try {
                readable.add(reader.read(where.getPartition(), where.getOffset(), record.getPayload()));
            } catch (UnreadableRecord e) {
                park(where, record.getPayload(), e);
            }
        }
        return readable;
    }

    /** Returns once the broker has the record: only then may the original's offset be committed. */
    public void park(IncomingKafkaRecordMetadata<String, String> original, String value, UnreadableRecord reason) {
        RecordHeaders headers = new RecordHeaders(original.getHeaders().toArray());
        headers.add("dead-letter-reason", bytes(reason.getMessage()))
                .add("dead-letter-topic", bytes(original.getTopic()))
                .add("dead-letter-partition", bytes(String.valueOf(original.getPartition())))
                .add("dead-letter-offset", bytes(String.valueOf(original.getOffset())));
        emitter.sendMessageAndAwait(Message.of(value).addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(original.getKey()).withHeaders(headers).build()));
        counters.rejected("unreadable");
        counters.deadLettered(Topics.AUDIT_STORE_DLQ);
        LOG.warnf("record %s-%d@%d parked on %s: %s", original.getTopic(), original.getPartition(), original.getOffset(),
                Topics.AUDIT_STORE_DLQ, reason.getMessage());
    }

    private static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
