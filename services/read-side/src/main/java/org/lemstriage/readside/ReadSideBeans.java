package org.lemstriage.readside;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.lemstriage.model.Topics;
import org.lemstriage.model.metrics.RecordCounters;

import java.util.List;

/** The plain library objects the read-side service uses, made injectable. */
public class ReadSideBeans {

    /** Created at start, so every counter is exported (at 0) before the first record, not after. */
    @Produces
    @Singleton
    @Startup
    RecordCounters recordCounters(MeterRegistry registry) {
        return new RecordCounters(registry, "read-side").expecting(List.of(Topics.AUDIT_STORE_DLQ), List.of());
    }
}
