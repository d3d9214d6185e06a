package org.lemstriage.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/** Points a Quarkus test's Kafka clients (SmallRye connector, Kafka Streams, health) at the real in-JVM broker. */
public class KafkaBrokerResource implements QuarkusTestResourceLifecycleManager {
    @Override
    public Map<String, String> start() {
        // Kafka Streams reads the same property (quarkus.kafka-streams.bootstrap-servers refers to it)
        return Map.of("kafka.bootstrap.servers", KafkaBroker.bootstrapServers());
    }

    @Override
    public void stop() {
        // Shared by every test class of the JVM; TestSession stops it
    }
}
