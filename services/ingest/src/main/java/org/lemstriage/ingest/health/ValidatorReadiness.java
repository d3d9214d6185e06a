package org.lemstriage.ingest.health;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.lemstriage.ingest.validation.TrackedResultValidator;

/**
 * Not ready while the FHIR validator is still warming up (several seconds after start): until then a tracked result
 * could only wait, so a load balancer should send its traffic elsewhere.
 */
@Readiness
@ApplicationScoped
public class ValidatorReadiness implements HealthCheck {
    static final String NAME = "fhir-validator";

    private final TrackedResultValidator validator;

    public ValidatorReadiness(TrackedResultValidator validator) {
        this.validator = validator;
    }

    @Override
    public HealthCheckResponse call() {
        return validator.ready() ? HealthCheckResponse.up(NAME)
                : HealthCheckResponse.named(NAME).down().withData("reason", "the validator is warming up").build();
    }
}
