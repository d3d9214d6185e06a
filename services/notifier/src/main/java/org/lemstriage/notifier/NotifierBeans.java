package org.lemstriage.notifier;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.lemstriage.model.TriageClock;
import org.lemstriage.model.metrics.RecordCounters;

import java.time.Clock;

/** The plain library objects the notifier uses, made injectable. */
public class NotifierBeans {

    /** Created at start, so every counter is exported (at 0) before the first record, not after. */
    @Produces
    @Singleton
    @Startup
    RecordCounters recordCounters(MeterRegistry registry) {
        return new RecordCounters(registry, "notifier");
    }

    @Produces
    @Singleton
    Clock clock(ClockConfig config) {
        return TriageClock.of(config.start());
    }
}
