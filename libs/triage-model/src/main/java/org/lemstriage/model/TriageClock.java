package org.lemstriage.model;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The time the services decide and schedule by. By default the system clock. With a start instant it begins there
 * and runs at normal speed: tests and demos that replay dated results (a surveillance plan is judged against "now")
 * give the same answers on any day they run.
 */
public final class TriageClock {
    private TriageClock() {
    }

    public static Clock of(Optional<Instant> start) {
        return Clock.offset(Clock.systemUTC(), offset(start));
    }

    /** How far the services' time is from the system's: zero unless a start instant is given. */
    public static Duration offset(Optional<Instant> start) {
        return start.map(s -> Duration.between(Instant.now(), s)).orElse(Duration.ZERO);
    }
}
