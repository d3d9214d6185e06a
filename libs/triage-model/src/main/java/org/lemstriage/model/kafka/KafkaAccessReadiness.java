package org.lemstriage.model.kafka;

import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Startup;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.lemstriage.model.kafka.KafkaGrants.Grant;

import java.util.List;
import java.util.Map;

/**
 * Every service's readiness check {@value #NAME}: DOWN while Kafka refuses its credentials or one of its topic grants
 * ({@link KafkaAccess}), with the reason in the answer and in the log once as it starts and ends. The grants are the
 * service's own, found by its application name ({@link KafkaGrants#forService}). It asks once as the service starts,
 * so a wrong password is in the log before anyone asks for readiness.
 */
@Readiness
@Singleton
public class KafkaAccessReadiness implements HealthCheck {
    public static final String NAME = "kafka-access";

    private final KafkaAccess access;

    /**
     * {@code kafka}: the service's Kafka client settings (Quarkus' {@code default-kafka-broker}, from {@code kafka.*});
     * {@code service}: Quarkus' application name, the service's Maven artifactId unless set.
     */
    @Inject
    public KafkaAccessReadiness(@Identifier("default-kafka-broker") Map<String, Object> kafka,
                                @ConfigProperty(name = "quarkus.application.name") String service) {
        this(kafka, KafkaGrants.forService(service));
    }

    KafkaAccessReadiness(Map<String, ?> kafka, List<Grant> grants) {
        this.access = new KafkaAccess(kafka, grants);
    }

    /** On a thread of its own: the question may wait seconds for the broker, and the common pool is not for waiting. */
    void askAtStart(@Observes Startup startup) {
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
