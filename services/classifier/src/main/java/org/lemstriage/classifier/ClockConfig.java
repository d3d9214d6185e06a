package org.lemstriage.classifier;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

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

    /**
     * Test only, never in production: {@code POST /test/clock/advance?by=P60D} moves the classifier's time forward,
     * so an end-to-end test runs a two-year surveillance in seconds. Off, the endpoint answers 404.
     */
    @WithDefault("false")
    boolean adjustable();
}
