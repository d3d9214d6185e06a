package org.lemstriage.classifier.kafka;

import io.quarkus.kafka.client.serialization.ObjectMapperSerde;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;
import org.lemstriage.classifier.triage.PatientTriage;
import org.lemstriage.classifier.triage.TriageStep;
import org.lemstriage.model.Topics;
import org.lemstriage.model.event.EventJson;
import org.lemstriage.model.event.LabResult;
import org.lemstriage.model.event.TriageDecision;
import org.lemstriage.model.metrics.RecordCounters;

/** lab.observation.v1 -> per-patient triage (state store, changelog-backed) -> triage.decision.v1. */
@ApplicationScoped
public class TriageTopology {
    public static final String PATIENT_STORE = "patient-triage";

    private final TriageStep step;
    private final RecordCounters counters;

    public TriageTopology(TriageStep step, RecordCounters counters) {
        this.step = step;
        this.counters = counters;
    }

    @Produces
    public Topology topology() {
        return build(step, counters);
    }

    /** The topology itself, without CDI: tests drive it with TopologyTestDriver. */
    public static Topology build(TriageStep step, RecordCounters counters) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PATIENT_STORE),
                Serdes.String(), new ObjectMapperSerde<>(PatientTriage.class, EventJson.mapper())));
        builder.stream(Topics.LAB_OBSERVATION,
                        Consumed.with(Serdes.String(), new ObjectMapperSerde<>(LabResult.class, EventJson.mapper())))
                .process(() -> new PatientTriageProcessor(step, counters), PATIENT_STORE)
                .to(Topics.TRIAGE_DECISION,
                        Produced.with(Serdes.String(), new ObjectMapperSerde<>(TriageDecision.class, EventJson.mapper())));
        return builder.build();
    }
}
