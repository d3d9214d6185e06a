package org.lemstriage.model.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The three counters every service exposes at /q/metrics: records in, out and rejected, tagged by service.
 * Rejections carry a short reason tag (a fixed vocabulary, never a value from a record).
 */
public final class RecordCounters {
    private final MeterRegistry registry;
    private final String service;
    private final Counter in;
    private final Counter out;

    public RecordCounters(MeterRegistry registry, String service) {
        this.registry = registry;
        this.service = service;
        this.in = Counter.builder("lemstriage.records.in").tag("service", service)
                .description("Records received").register(registry);
        this.out = Counter.builder("lemstriage.records.out").tag("service", service)
                .description("Records written onward (topic or EHR)").register(registry);
    }

    public void in() {
        in.increment();
    }

    public void out() {
        out.increment();
    }

    public void rejected(String reason) {
        Counter.builder("lemstriage.records.rejected").tag("service", service).tag("reason", reason)
                .description("Records refused or parked, by reason").register(registry).increment();
    }

    /** Records accepted but deliberately not passed on (e.g. untracked lab codes). */
    public void skipped(String reason) {
        Counter.builder("lemstriage.records.skipped").tag("service", service).tag("reason", reason)
                .description("Records accepted and not passed on, by reason").register(registry).increment();
    }
}
