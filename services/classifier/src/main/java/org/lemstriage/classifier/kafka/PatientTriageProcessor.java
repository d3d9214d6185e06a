package org.lemstriage.classifier.kafka;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.jboss.logging.Logger;
import org.lemstriage.classifier.triage.PatientTriage;
import org.lemstriage.classifier.triage.TriageStep;
import org.lemstriage.model.event.ClinicalContext;
import org.lemstriage.model.event.LabResult;
import org.lemstriage.model.kafka.ResultAccepted;
import org.lemstriage.model.TriageClock;
import org.lemstriage.model.metrics.RecordCounters;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies lab results and clinical contexts to each patient's state, and on a wall-clock timer the context holds
 * and retries that fell due. Forwards decisions and context requests to their sinks. Under exactly_once_v2 the
 * store writes, the outputs and the input offsets commit together or not at all.
 */
public class PatientTriageProcessor implements Processor<String, Object, String, Object> {
    /** What a record passes on to what is written because of it: its W3C trace context, and its result's accepted time. */
    static final List<String> TRACE_HEADERS = List.of("traceparent", "tracestate", ResultAccepted.HEADER);
    private static final Logger LOG = Logger.getLogger(PatientTriageProcessor.class);
    /** When a patient whose timer failed is looked at again. */
    static final Duration TIMER_RETRY = Duration.ofHours(1);

    private final TriageStep step;
    private final RecordCounters counters;
    private final Duration tick;
    /** Its offset is added to Kafka Streams' wall-clock time: see {@link org.lemstriage.classifier.ClockConfig}. */
    private final TriageClock clock;
    private KeyValueStore<String, PatientTriage> patients;
    /**
     * Patients with a context hold or retry pending, or a surveillance to look at again, by when it falls due (epoch
     * ms, in the triage's time): the timer scans only these.
     */
    private KeyValueStore<String, Long> waits;
    private ProcessorContext<String, Object> context;
    /**
     * The earliest due time in {@link #waits} (triage time, ms): ticks before it skip the scan. Every running
     * surveillance has an entry, so scanning them all every second would grow with the cohort. Kept in memory only:
     * after a restart the first tick scans.
     */
    private long nextScanMs = Long.MIN_VALUE;

    public PatientTriageProcessor(TriageStep step, RecordCounters counters, Duration tick, TriageClock clock) {
        this.step = step;
        this.counters = counters;
        this.tick = tick;
        this.clock = clock;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.patients = context.getStateStore(TriageTopology.PATIENT_STORE);
        this.waits = context.getStateStore(TriageTopology.WAIT_STORE);
        context.schedule(tick, PunctuationType.WALL_CLOCK_TIME, this::onTimer);
    }

    @Override
    public void process(Record<String, Object> record) {
        counters.in();
        // The later of record time and processing time: after lag or a restart, a context hold still lasts its
        // full length from when the result is actually processed
        Instant at = Instant.ofEpochMilli(Math.max(record.timestamp(), context.currentSystemTimeMs()) + clock.offset().toMillis());
        TriageStep.Outcome outcome;
        try {
            if (record.value() instanceof LabResult result && record.key() != null && record.key().equals(result.patientKey())) {
                outcome = step.onResult(patients.get(record.key()), result, at);
            } else if (record.value() instanceof ClinicalContext ctx && record.key() != null && record.key().equals(ctx.patientKey())) {
                outcome = step.onContext(patients.get(record.key()), ctx, at);
            } else {
                park(record, "key-mismatch", "the record's key and its patient key disagree or are missing");
                return;
            }
        } catch (RuntimeException e) {
            // A record the triage cannot apply (the step is pure: nothing is written yet): parked with the failure's kind
            // (its message may quote the record), and the partition goes on; in the same transaction as its offset
            park(record, "unprocessable", e.getClass().getName());
            return;
        }
        // Not caught: a failure to write the state or the decision aborts the transaction, and the record is read again
        Headers trace = traceOf(record);
        if (record.value() instanceof LabResult) {
            ResultAccepted.stamp(trace, record.timestamp());
        }
        apply(record.key(), outcome, record.timestamp(), trace);
    }

    /** The record, as it came, to the dead-letter topic of its input ({@link DeadLetters}), with the reason in headers. */
    private void park(Record<String, Object> record, String reason, String detail) {
        String topic = context.recordMetadata().map(m -> m.topic()).orElse("?");
        int partition = context.recordMetadata().map(m -> m.partition()).orElse(-1);
        long offset = context.recordMetadata().map(m -> m.offset()).orElse(-1L);
        String deadLetters = DeadLetters.of(topic);
        counters.rejected(reason);
        counters.deadLettered(deadLetters);
        LOG.warnf("record %s-%d@%d parked on %s: %s", topic, partition, offset, deadLetters, reason);
        Headers headers = new RecordHeaders(record.headers().toArray());
        DeadLetters.describe(headers, reason + ": " + detail, topic, partition, offset);
        context.forward(new Record<>(record.key(), (Object) DeadLetters.bytes(topic, record.value()), record.timestamp(), headers),
                TriageTopology.DEAD_LETTER_SINK);
    }

    private void onTimer(long systemMs) {
        long nowMs = systemMs + clock.offset().toMillis();
        if (nowMs < nextScanMs) {
            return;
        }
        List<String> due = new ArrayList<>();
        long next = Long.MAX_VALUE;
        try (KeyValueIterator<String, Long> all = waits.all()) {
            while (all.hasNext()) {
                KeyValue<String, Long> wait = all.next();
                if (wait.value <= nowMs) {
                    due.add(wait.key);
                } else {
                    next = Math.min(next, wait.value);
                }
            }
        }
        nextScanMs = next; // what the due ones schedule next lowers it again in apply()
        for (String key : due) {
            TriageStep.Outcome outcome;
            try {
                PatientTriage state = patients.get(key);
                if (state == null) {
                    waits.delete(key);
                    continue;
                }
                outcome = step.onTimer(state, Instant.ofEpochMilli(nowMs));
            } catch (RuntimeException e) {
                // A patient whose timer cannot be applied is looked at again in an hour, not at every tick: the other
                // patients' holds and rounds go on. No record to park; the log says which kind of failure
                counters.rejected("unprocessable");
                LOG.errorf("a timer could not be applied (%s): retried in %s", e.getClass().getName(), TIMER_RETRY);
                waits.put(key, nowMs + TIMER_RETRY.toMillis());
                nextScanMs = Math.min(nextScanMs, nowMs + TIMER_RETRY.toMillis());
                continue;
            }
            apply(key, outcome, systemMs, new RecordHeaders());
        }
    }

    /**
     * The trace context a record came with (W3C {@code traceparent}, {@code tracestate}, as ingest's and the context
     * reader's producers write them) and when its result was accepted ({@link ResultAccepted}): what the processor
     * writes because of it continues the same trace. A decision made on a timer (a context hold run out, a
     * surveillance review) starts none.
     */
    private static Headers traceOf(Record<String, Object> record) {
        Headers trace = new RecordHeaders();
        for (String name : TRACE_HEADERS) {
            Header header = record.headers().lastHeader(name);
            if (header != null) {
                trace.add(header);
            }
        }
        return trace;
    }

    private void apply(String key, TriageStep.Outcome outcome, long timestamp, Headers trace) {
        PatientTriage state = outcome.state();
        patients.put(key, state);
        if (state.due() != null) {
            waits.put(key, state.due().toEpochMilli());
            nextScanMs = Math.min(nextScanMs, state.due().toEpochMilli());
        } else {
            waits.delete(key);
        }
        outcome.contextRequest().ifPresent(request -> {
            LOG.debugf("context request %s", request.requestId());
            context.forward(new Record<>(key, request, timestamp, trace), TriageTopology.CONTEXT_REQUEST_SINK);
        });
        outcome.decision().ifPresent(decision -> {
            counters.out();
            counters.decided(decision.action().name(), decision.tier().name());
            // Ids only: the tier and the patient are in the decision and the audit trail, not in the log
            LOG.infof("decision %s %s", decision.decisionId(), decision.action());
            context.forward(new Record<>(key, decision, timestamp, trace), TriageTopology.DECISION_SINK);
        });
    }
}
