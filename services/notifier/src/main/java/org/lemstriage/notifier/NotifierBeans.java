package org.lemstriage.notifier;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.lemstriage.model.metrics.RecordCounters;

public class NotifierBeans {

    @Produces
    @ApplicationScoped
    RecordCounters recordCounters(MeterRegistry registry) {
        return new RecordCounters(registry, "notifier");
    }
}
