package org.lemstriage.model.kafka;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.lemstriage.model.kafka.KafkaGrants.Grant;

import java.util.List;
import java.util.Map;

/**
 * A service's readiness check {@value #NAME}: DOWN while Kafka refuses its credentials or one of its topic grants
 * ({@link KafkaAccess}), with the reason in the answer and in the log once as it starts and ends (issue 13, finding
 * 10). Each service makes it a {@code @Readiness} bean with its own grants; made at start-up, it asks once right
 * away, so a wrong password is in the log before anyone asks for readiness.
 */
public abstract class KafkaAccessCheck implements HealthCheck {
    public static final String NAME = "kafka-access";

    private final KafkaAccess access;

    /** {@code kafka}: the service's Kafka client settings (Quarkus' {@code default-kafka-broker}, from {@code kafka.*}). */
    protected KafkaAccessCheck(Map<String, ?> kafka, List<Grant> grants) {
        this.access = new KafkaAccess(kafka, grants);
    }

    /** On a thread of its own: the question may wait seconds for the broker, and the common pool is not for waiting. */
    @PostConstruct
    public void askAtStart() {
        Thread ask = new Thread(access::problems, "kafka-access-check");
        ask.setDaemon(true);
        ask.start();
    }

    @Override
    public HealthCheckResponse call() {
        List<String> problems = access.problems();
        return problems.isEmpty() ? HealthCheckResponse.up(NAME)
                : HealthCheckResponse.named(NAME).down().withData("reason", String.join("; ", problems)).build();
    }

    @PreDestroy
    public void close() {
        access.close();
    }
}
