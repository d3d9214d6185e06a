package org.lemstriage.ingest.health;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;
import org.lemstriage.ingest.validation.TrackedResultValidator;

import static org.assertj.core.api.Assertions.assertThat;

class ValidatorReadinessTest {

    @Test
    void downUntilTheValidatorIsBuiltThenUp() {
        TrackedResultValidator validator = new TrackedResultValidator(true, 1);
        ValidatorReadiness readiness = new ValidatorReadiness(validator);
        assertThat(readiness.call().getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(readiness.call().getData()).hasValueSatisfying(d -> assertThat(d).containsKey("reason"));

        validator.validate("{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"}}");

        assertThat(readiness.call().getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
    }

    @Test
    void upAtOnceWhenValidationIsOff() {
        assertThat(new ValidatorReadiness(new TrackedResultValidator(false, 1)).call().getStatus())
                .isEqualTo(HealthCheckResponse.Status.UP);
    }
}
