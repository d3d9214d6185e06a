package org.lemstriage.audit;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.lemstriage.model.Topics;
import org.lemstriage.model.metrics.RecordCounters;

import java.util.List;

/** The plain library objects the audit service uses, made injectable. */
public class AuditBeans {

    /** Created at start, so every counter is exported (at 0) before the first record, not after. */
    @Produces
    @Singleton
    @Startup
    RecordCounters recordCounters(MeterRegistry registry) {
        return new RecordCounters(registry, "audit").expecting(List.of(Topics.AUDIT_STORE_DLQ), List.of());
    }
}
