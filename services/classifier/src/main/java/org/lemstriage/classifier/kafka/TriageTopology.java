package org.lemstriage.classifier.kafka;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;
import org.lemstriage.classifier.ClockConfig;
import org.lemstriage.classifier.ContextConfig;
import org.lemstriage.classifier.triage.PatientTriage;
import org.lemstriage.classifier.triage.TriageStep;
import org.lemstriage.model.Topics;
import org.lemstriage.model.TriageClock;
import org.lemstriage.model.metrics.RecordCounters;
import org.lemstriage.model.serde.ClinicalContextSerde;
import org.lemstriage.model.serde.ContextRequestSerde;
import org.lemstriage.model.serde.EventSerde;
import org.lemstriage.model.serde.LabResultSerde;
import org.lemstriage.model.serde.TriageDecisionSerde;

import java.time.Duration;

/**
 * lab.observation.v1 and triage.context.v1 -> per-patient triage (changelog-backed stores) -> triage.decision.v1,
 * and triage.context-request.v1 for the context reader. Both inputs are keyed by patient and partitioned alike, so
 * a patient's results and context meet in the same task.
 */
@ApplicationScoped
public class TriageTopology {
    public static final String PATIENT_STORE = "patient-triage";
    public static final String WAIT_STORE = "context-waits";
    static final String DECISION_SINK = "decisions";
    static final String CONTEXT_REQUEST_SINK = "context-requests";
    static final String DEAD_LETTER_SINK = "dead-letters";

    @Produces
    public Topology topology(TriageStep step, RecordCounters counters, ContextConfig context, TriageClock clock) {
        return build(step, counters, context.timer(), clock);
    }

    /** The topology on the system's time, without CDI: tests drive it with TopologyTestDriver. */
    public static Topology build(TriageStep step, RecordCounters counters, Duration tick) {
        return build(step, counters, tick, TriageClock.system());
    }

    /**
     * The topology itself. Kafka Streams owns the wall clock its timer runs on (TopologyTestDriver mocks it);
     * the triage sees it shifted by {@code clock}'s offset ({@link ClockConfig}).
     */
    public static Topology build(TriageStep step, RecordCounters counters, Duration tick, TriageClock clock) {
        Topology topology = new Topology();
        topology.addSource("lab-results", new StringDeserializer(), new LabResultSerde(), Topics.LAB_OBSERVATION);
        topology.addSource("clinical-context", new StringDeserializer(), new ClinicalContextSerde(), Topics.CONTEXT);
        topology.addProcessor("triage", () -> new PatientTriageProcessor(step, counters, tick, clock), "lab-results", "clinical-context");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PATIENT_STORE),
                Serdes.String(), new EventSerde<>(PatientTriage.class)), "triage");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(WAIT_STORE),
                Serdes.String(), Serdes.Long()), "triage");
        topology.addSink(DECISION_SINK, Topics.TRIAGE_DECISION, new StringSerializer(), new TriageDecisionSerde(), "triage");
        topology.addSink(CONTEXT_REQUEST_SINK, Topics.CONTEXT_REQUEST, new StringSerializer(), new ContextRequestSerde(), "triage");
        // A record the triage cannot apply, to its input's dead-letter topic (DeadLetters), as bytes already written
        topology.addSink(DEAD_LETTER_SINK, (key, value, context) -> DeadLetters.of(context.topic()), new StringSerializer(),
                new ByteArraySerializer(), "triage");
        return topology;
    }
}
