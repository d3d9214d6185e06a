package org.lemstriage.model.kafka;

import org.apache.kafka.clients.CommonClientConfigs;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * A plain Kafka client's settings made from the service's own (the connector's {@code default-kafka-broker}:
 * bootstrap, security.*, sasl.*, ssl.*): only those a client of that kind knows (its {@code configNames()}), so that
 * the same secured broker is reached with the same credentials, and no unknown setting is logged as ignored.
 */
public final class KafkaClientSettings {
    private KafkaClientSettings() {
    }

    /** @param known {@code AdminClientConfig.configNames()}, {@code ConsumerConfig.configNames()} or {@code ProducerConfig.configNames()} */
    public static Map<String, Object> of(Map<String, ?> serviceSettings, Set<String> known, String clientId) {
        Map<String, Object> config = new HashMap<>();
        serviceSettings.forEach((key, value) -> {
            if (known.contains(key)) {
                config.put(key, value);
            }
        });
        config.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
        return config;
    }
}
