package org.lemstriage.notifier.health;

import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.health.api.HealthGroup;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.lemstriage.model.health.EhrWritesHealth;
import org.lemstriage.notifier.ehr.EpisodeWriter;

/** The state of the circuit breaker in front of the EHR's writes, as {@link EhrWritesHealth} states it. */
@HealthGroup(EhrWritesHealth.GROUP)
@ApplicationScoped
public class EhrCircuitBreakerHealth implements HealthCheck {
    private final CircuitBreakerMaintenance breakers;

    public EhrCircuitBreakerHealth(CircuitBreakerMaintenance breakers) {
        this.breakers = breakers;
    }

    @Override
    public HealthCheckResponse call() {
        String state = switch (breakers.currentState(EpisodeWriter.BREAKER)) {
            case CLOSED -> EhrWritesHealth.CLOSED;
            case OPEN -> EhrWritesHealth.OPEN;
            case HALF_OPEN -> EhrWritesHealth.HALF_OPEN;
        };
        return HealthCheckResponse.named(EhrWritesHealth.CHECK).up().withData(EhrWritesHealth.STATE, state).build();
    }
}
