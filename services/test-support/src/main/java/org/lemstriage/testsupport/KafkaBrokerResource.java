package org.lemstriage.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/** Points a Quarkus test's Kafka clients (SmallRye connector, Kafka Streams) at the real in-JVM broker. */
public class KafkaBrokerResource implements QuarkusTestResourceLifecycleManager {
    @Override
    public Map<String, String> start() {
        String bootstrap = KafkaBroker.bootstrapServers();
        return Map.of("kafka.bootstrap.servers", bootstrap,
                "quarkus.kafka-streams.bootstrap-servers", bootstrap);
    }

    @Override
    public void stop() {
        // Shared by every test class of the JVM; stopped at JVM exit
    }
}
