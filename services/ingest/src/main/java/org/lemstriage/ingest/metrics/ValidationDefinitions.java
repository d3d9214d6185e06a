package org.lemstriage.ingest.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.lemstriage.ingest.validation.TrackedResultValidator;

/**
 * Tracked results validated against the cut R4 definitions alone, and those validated again against the full ones
 * because they needed a definition the cut lacks, as {@code lemstriage_validations_total{definitions="cut|full"}}.
 * The first "full" one loads the full definitions (several seconds, and about 180 MiB more live heap).
 */
@ApplicationScoped
public class ValidationDefinitions {
    void register(@Observes StartupEvent started, MeterRegistry registry, TrackedResultValidator validator) {
        FunctionCounter.builder("lemstriage.validations", validator, TrackedResultValidator::byCutDefinitions).tag("definitions", "cut")
                .description("Tracked results validated against the cut R4 definitions alone").register(registry);
        FunctionCounter.builder("lemstriage.validations", validator, TrackedResultValidator::byFullDefinitions).tag("definitions", "full")
                .description("Tracked results validated again against the full R4 definitions (they needed one the cut lacks)")
                .register(registry);
    }
}
