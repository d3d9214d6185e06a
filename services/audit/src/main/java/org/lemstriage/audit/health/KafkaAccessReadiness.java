package org.lemstriage.audit.health;

import io.quarkus.runtime.Startup;
import io.smallrye.common.annotation.Identifier;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.health.Readiness;
import org.lemstriage.model.kafka.KafkaAccessCheck;
import org.lemstriage.model.kafka.KafkaGrants;

import java.util.Map;

/** Not ready while Kafka refuses this service's credentials or one of {@link KafkaGrants#AUDIT}. */
@Readiness
@Startup
@Singleton
public class KafkaAccessReadiness extends KafkaAccessCheck {
    public KafkaAccessReadiness(@Identifier("default-kafka-broker") Map<String, Object> kafka) {
        super(kafka, KafkaGrants.AUDIT);
    }
}
