package org.lemstriage.notifier;

import io.smallrye.config.ConfigMapping;

import java.time.Instant;
import java.util.Optional;

/**
 * {@code lemstriage.clock.*}: the time due rounds are released at. Unset in production (the system clock); tests and
 * demos that replay dated results set {@code start}, as for the classifier. See {@link org.lemstriage.model.TriageClock}.
 */
@ConfigMapping(prefix = "lemstriage.clock")
public interface ClockConfig {
    Optional<Instant> start();
}
