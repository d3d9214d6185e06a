package org.lemstriage.classifier.kafka;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.jboss.logging.Logger;
import org.lemstriage.classifier.triage.PatientTriage;
import org.lemstriage.classifier.triage.TriageStep;
import org.lemstriage.model.event.LabResult;
import org.lemstriage.model.event.TriageDecision;
import org.lemstriage.model.metrics.RecordCounters;

import java.time.Instant;

/**
 * Applies each lab result to its patient's state in the store and forwards a decision when one is due. Under
 * exactly_once_v2 the store write, the decision and the input offset commit together or not at all.
 */
public class PatientTriageProcessor implements Processor<String, LabResult, String, TriageDecision> {
    private static final Logger LOG = Logger.getLogger(PatientTriageProcessor.class);

    private final TriageStep step;
    private final RecordCounters counters;
    private KeyValueStore<String, PatientTriage> store;
    private ProcessorContext<String, TriageDecision> context;

    public PatientTriageProcessor(TriageStep step, RecordCounters counters) {
        this.step = step;
        this.counters = counters;
    }

    @Override
    public void init(ProcessorContext<String, TriageDecision> context) {
        this.context = context;
        this.store = context.getStateStore(TriageTopology.PATIENT_STORE);
    }

    @Override
    public void process(Record<String, LabResult> record) {
        counters.in();
        if (record.key() == null || record.value() == null || !record.key().equals(record.value().patientKey())) {
            // Not from ingest's contract: skip it (its offset is still committed) rather than stall the partition
            counters.rejected("key-mismatch");
            LOG.warnf("skipped a record at %s offset %d: key and patient key disagree or are missing",
                    context.recordMetadata().map(m -> m.topic() + "-" + m.partition()).orElse("?"),
                    context.recordMetadata().map(m -> m.offset()).orElse(-1L));
            return;
        }
        TriageStep.Outcome outcome = step.apply(store.get(record.key()), record.value(),
                Instant.ofEpochMilli(record.timestamp()));
        store.put(record.key(), outcome.state());
        outcome.decision().ifPresent(decision -> {
            counters.out();
            LOG.infof("decision %s %s tier %s for %s", decision.decisionId(), decision.action(), decision.tier(),
                    decision.patientKey());
            context.forward(record.withValue(decision));
        });
    }
}
