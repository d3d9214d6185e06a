package org.lemstriage.classifier;

import io.smallrye.config.ConfigMapping;

import java.time.Instant;
import java.util.Optional;

/**
 * {@code lemstriage.clock.*}: the time decisions are made at. Unset in production (the system clock). Tests and demos
 * that replay dated results set {@code start}: the classifier's time then begins there and runs at normal speed, so
 * an old-result or plan decision is the same on any day they run. See {@link org.lemstriage.model.TriageClock}.
 */
@ConfigMapping(prefix = "lemstriage.clock")
public interface ClockConfig {
    Optional<Instant> start();
}
