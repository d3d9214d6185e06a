package org.lemstriage.model.metrics;

import java.util.List;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The counters every service exposes at /q/metrics: records in, out and rejected, tagged by service, and what an
 * on-call engineer watches (docs/operations.md, "Metrics and alerts"): dead letters by topic, decisions by action and tier,
 * clinical context reads that failed. Reasons are a fixed vocabulary, never a value from a record.
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

    /**
     * Exports the counters a service may yet increment at 0 from the start: an alert on their increase sees the first
     * one, and a dashboard has a line before anything went wrong.
     */
    public RecordCounters expecting(List<String> deadLetterTopics, List<String> contextReadFailures) {
        deadLetterTopics.forEach(topic -> deadLetterCounter(topic));
        contextReadFailures.forEach(reason -> contextReadFailedCounter(reason));
        return this;
    }

    /** A record parked on a dead-letter topic: someone has to look at it. */
    public void deadLettered(String topic) {
        deadLetterCounter(topic).increment();
    }

    private Counter deadLetterCounter(String topic) {
        return Counter.builder("lemstriage.dead.letters").tag("service", service).tag("topic", topic)
                .description("Records parked on a dead-letter topic").register(registry);
    }

    /** A decision the classifier wrote, by what the EHR must do and the screening tier. */
    public void decided(String action, String tier) {
        Counter.builder("lemstriage.decisions").tag("service", service).tag("action", action).tag("tier", tier)
                .description("Triage decisions written, by action and tier").register(registry).increment();
    }

    /** A clinical context the EHR could not give: the decision goes ahead on the antibodies alone. */
    public void contextReadFailed(String reason) {
        contextReadFailedCounter(reason).increment();
    }

    private Counter contextReadFailedCounter(String reason) {
        return Counter.builder("lemstriage.context.reads.failed").tag("service", service).tag("reason", reason)
                .description("Clinical context reads from the EHR that failed, by reason").register(registry);
    }

    /** Records accepted but deliberately not passed on (e.g. untracked lab codes). */
    public void skipped(String reason) {
        Counter.builder("lemstriage.records.skipped").tag("service", service).tag("reason", reason)
                .description("Records accepted and not passed on, by reason").register(registry).increment();
    }
}
