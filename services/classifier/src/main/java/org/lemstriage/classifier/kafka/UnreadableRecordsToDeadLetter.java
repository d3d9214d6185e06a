package org.lemstriage.classifier.kafka;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A record on lab.observation.v1 that is not a LabResult is parked on lab.observation.dlq (one on triage.context.v1 on
 * triage.context-request.dlq: {@link DeadLetters}), as it was, with the reason
 * and its origin in headers (the header names of SmallRye's dead-letter queue, which the other services use), and the
 * partition moves on. The write is confirmed before the record is skipped; if it cannot be, the stream thread fails
 * and the record is read again after the restart, so nothing is dropped. Kafka Streams' own dead-letter queue
 * (KIP-1034) names its headers otherwise: these are the ones every service's dead letters share, which the operator
 * tools read.
 */
public class UnreadableRecordsToDeadLetter implements DeserializationExceptionHandler {
    private static final Logger LOG = Logger.getLogger(UnreadableRecordsToDeadLetter.class);
    /** Where the unreadable records of each input go; an input not named here is logged and skipped. */
    static final Map<String, String> DEAD_LETTERS = DeadLetters.BY_INPUT;

    private final Map<String, Object> producerConfig = new HashMap<>();
    /** Made on the first unreadable record: most runs never need it. */
    private KafkaProducer<byte[], byte[]> producer;

    @Override
    public void configure(Map<String, ?> streamsConfig) {
        // The same broker and security settings as the Streams application's own clients
        streamsConfig.forEach((key, value) -> {
            if (key.equals(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG) || key.startsWith("security.") || key.startsWith("ssl.")
                    || key.startsWith("sasl.")) {
                producerConfig.put(key, value);
            }
        });
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerConfig.put(ProducerConfig.CLIENT_ID_CONFIG, "lems-triage-classifier-dead-letters");
    }

    private synchronized KafkaProducer<byte[], byte[]> producer() {
        if (producer == null) {
            producer = new KafkaProducer<>(producerConfig, new ByteArraySerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    @Override
    public DeserializationHandlerResponse handle(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        String where = record.topic() + "-" + record.partition() + "@" + record.offset();
        String deadLetters = DEAD_LETTERS.get(record.topic());
        if (deadLetters == null) {
            LOG.warnf("record %s skipped, unreadable: %s", where, exception.getMessage());
            return DeserializationHandlerResponse.CONTINUE;
        }
        ProducerRecord<byte[], byte[]> parked = new ProducerRecord<>(deadLetters, null, record.key(), record.value(),
                new RecordHeaders(record.headers().toArray()));
        DeadLetters.describe(parked.headers(), "unreadable: " + exception.getMessage(), record.topic(), record.partition(), record.offset());
        try {
            producer().send(parked).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.errorf("record %s unreadable and not parked on %s (%s): the classifier stops rather than drop it", where,
                    deadLetters, e.getClass().getSimpleName());
            return DeserializationHandlerResponse.FAIL;
        }
        LOG.warnf("record %s parked on %s: %s", where, deadLetters, exception.getMessage());
        // Kafka makes this handler, not CDI: Quarkus' registries are reached through Micrometer's global one
        io.micrometer.core.instrument.Metrics.counter("lemstriage.dead.letters", "service", "classifier", "topic", deadLetters).increment();
        return DeserializationHandlerResponse.CONTINUE;
    }

    private static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
