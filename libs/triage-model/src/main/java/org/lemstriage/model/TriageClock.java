package org.lemstriage.model;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The time the services decide and schedule by: the system clock plus an offset, zero by default. With a start
 * instant it begins there and runs at normal speed, so tests and demos that replay dated results (a surveillance
 * plan is judged against "now") give the same answers on any day they run. {@link #advance} moves it forward, for
 * end-to-end tests of a two-year surveillance that must run in seconds; only a test-only endpoint calls it.
 */
public final class TriageClock extends Clock {
    private final AtomicLong offsetMs;

    private TriageClock(long offsetMs) {
        this.offsetMs = new AtomicLong(offsetMs);
    }

    public static TriageClock system() {
        return new TriageClock(0);
    }

    public static TriageClock startingAt(Optional<Instant> start) {
        return new TriageClock(start.map(s -> Duration.between(Instant.now(), s).toMillis()).orElse(0L));
    }

    /** How far this clock is from the system's. */
    public Duration offset() {
        return Duration.ofMillis(offsetMs.get());
    }

    /** Moves the clock forward; never back, so nothing already decided is undone. */
    public Instant advance(Duration by) {
        if (by.isNegative()) {
            throw new IllegalArgumentException("the clock only moves forward");
        }
        offsetMs.addAndGet(by.toMillis());
        return instant();
    }

    @Override
    public Instant instant() {
        return Instant.now().plusMillis(offsetMs.get());
    }

    @Override
    public long millis() {
        return System.currentTimeMillis() + offsetMs.get();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return Clock.offset(Clock.system(zone), offset());
    }
}
