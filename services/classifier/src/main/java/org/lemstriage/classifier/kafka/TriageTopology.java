package org.lemstriage.classifier.kafka;

import io.quarkus.kafka.client.serialization.ObjectMapperDeserializer;
import io.quarkus.kafka.client.serialization.ObjectMapperSerde;
import io.quarkus.kafka.client.serialization.ObjectMapperSerializer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.lemstriage.classifier.triage.PatientTriage;
import org.lemstriage.classifier.triage.TriageStep;
import org.lemstriage.model.Topics;
import org.lemstriage.model.event.ClinicalContext;
import org.lemstriage.model.event.EventJson;
import org.lemstriage.model.event.LabResult;
import org.lemstriage.model.metrics.RecordCounters;

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

    private final TriageStep step;
    private final RecordCounters counters;
    private final Duration tick;

    public TriageTopology(TriageStep step, RecordCounters counters,
                          @ConfigProperty(name = "lemstriage.context.timer", defaultValue = "1s") Duration tick) {
        this.step = step;
        this.counters = counters;
        this.tick = tick;
    }

    @Produces
    public Topology topology() {
        return build(step, counters, tick);
    }

    /** The topology itself, without CDI: tests drive it with TopologyTestDriver. */
    public static Topology build(TriageStep step, RecordCounters counters, Duration tick) {
        Topology topology = new Topology();
        topology.addSource("lab-results", new StringDeserializer(),
                new ObjectMapperDeserializer<>(LabResult.class, EventJson.mapper()), Topics.LAB_OBSERVATION);
        topology.addSource("clinical-context", new StringDeserializer(),
                new ObjectMapperDeserializer<>(ClinicalContext.class, EventJson.mapper()), Topics.CONTEXT);
        topology.addProcessor("triage", () -> new PatientTriageProcessor(step, counters, tick), "lab-results", "clinical-context");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PATIENT_STORE),
                Serdes.String(), new ObjectMapperSerde<>(PatientTriage.class, EventJson.mapper())), "triage");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(WAIT_STORE),
                Serdes.String(), Serdes.Long()), "triage");
        topology.addSink(DECISION_SINK, Topics.TRIAGE_DECISION, new StringSerializer(),
                new ObjectMapperSerializer<>(EventJson.mapper()), "triage");
        topology.addSink(CONTEXT_REQUEST_SINK, Topics.CONTEXT_REQUEST, new StringSerializer(),
                new ObjectMapperSerializer<>(EventJson.mapper()), "triage");
        return topology;
    }
}
