package org.lemstriage.classifier.kafka;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.kafka.client.serialization.ObjectMapperDeserializer;
import io.quarkus.kafka.client.serialization.ObjectMapperSerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.lemstriage.classifier.Results;
import org.lemstriage.classifier.rules.Cutoffs;
import org.lemstriage.classifier.rules.Ruleset;
import org.lemstriage.classifier.rules.ScreeningPlanner;
import org.lemstriage.classifier.triage.TriageStep;
import org.lemstriage.model.Topics;
import org.lemstriage.model.event.EventJson;
import org.lemstriage.model.event.LabResult;
import org.lemstriage.model.event.TriageDecision;
import org.lemstriage.model.metrics.RecordCounters;

import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** The topology, store included, without a broker: fast checks of keying and per-patient state. */
class TriageTopologyTest {
    private TopologyTestDriver driver;
    private TestInputTopic<String, LabResult> results;
    private TestOutputTopic<String, TriageDecision> decisions;

    @BeforeEach
    void start() {
        var topology = TriageTopology.build(new TriageStep(Ruleset.foundation(Cutoffs.defaults()), new ScreeningPlanner()),
                new RecordCounters(new SimpleMeterRegistry(), "classifier"));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "topology-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(topology, props);
        results = driver.createInputTopic(Topics.LAB_OBSERVATION, new StringSerializer(),
                new ObjectMapperSerializer<>(EventJson.mapper()));
        decisions = driver.createOutputTopic(Topics.TRIAGE_DECISION, new StringDeserializer(),
                new ObjectMapperDeserializer<>(TriageDecision.class, EventJson.mapper()));
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void decisionsAreKeyedByPatientAndStatePerPatient() {
        results.pipeInput("Patient/a", Results.vgcc("Patient/a", "o1", "0.5", "final"));
        results.pipeInput("Patient/b", Results.vgcc("Patient/b", "o2", "0.5", "final"));
        results.pipeInput("Patient/a", Results.vgcc("Patient/a", "o1", "0.5", "final")); // resent
        var out = decisions.readKeyValuesToList();
        assertThat(out).extracting(kv -> kv.key).containsExactly("Patient/a", "Patient/b");
        assertThat(out).allSatisfy(kv -> assertThat(kv.value.action()).isEqualTo(TriageDecision.Action.OPEN));
        assertThat(out.get(0).value.episodeId()).isNotEqualTo(out.get(1).value.episodeId());
    }

    @Test
    void recordWhoseKeyDisagreesWithItsPatientIsSkipped() {
        results.pipeInput("Patient/other", Results.vgcc("Patient/a", "o1", "0.5", "final"));
        assertThat(decisions.isEmpty()).isTrue();
    }
}
