package org.lemstriage.classifier.kafka;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.kafka.client.serialization.ObjectMapperDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.lemstriage.classifier.Results;
import org.lemstriage.classifier.rules.Cutoffs;
import org.lemstriage.classifier.rules.ClinicalCodes;
import org.lemstriage.classifier.rules.Ruleset;
import org.lemstriage.classifier.rules.ScreeningPlanner;
import org.lemstriage.classifier.rules.Surveillance;
import org.lemstriage.classifier.triage.PatientTriage;
import org.lemstriage.classifier.triage.TriageStep;
import org.lemstriage.model.Topics;
import org.lemstriage.model.event.ContextRequest;
import org.lemstriage.model.event.EventJson;
import org.lemstriage.model.event.TriageDecision;
import org.lemstriage.model.metrics.RecordCounters;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An episode opened before ruleset 2.0 has no review scheduled, and the notifier no longer releases rounds on its
 * own: the classifier's first tick adopts it, and the EHR is read again for it.
 */
class SurveillanceAdoptionTest {

    @Test
    void aRunningSurveillanceFromBeforeIsLookedAtOnTheFirstTick() {
        ClinicalCodes codes = ClinicalCodes.load(Optional.empty());
        TriageStep step = new TriageStep(Ruleset.v3(Cutoffs.defaults(), codes), new ScreeningPlanner(), new Surveillance(codes),
                new TriageStep.ContextTiming(Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(30), Duration.ofDays(1)));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "adoption");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        Instant now = Instant.parse("2027-02-10T08:00:00Z");
        try (TopologyTestDriver driver = new TopologyTestDriver(TriageTopology.build(step,
                new RecordCounters(new SimpleMeterRegistry(), "classifier"), Duration.ofSeconds(1)), props, now)) {
            var result = Results.vgcc("Patient/old", "obs-1", "0.45", "final");
            // As ruleset 1.0 left it: rounds without states, no kind, start or review
            var plan = List.of(new TriageDecision.ScreeningRound(1, "CT thorax", LocalDate.parse("2026-11-02"), LocalDate.parse("2026-12-02"), null),
                    new TriageDecision.ScreeningRound(2, "CT thorax", LocalDate.parse("2027-02-02"), LocalDate.parse("2027-03-04"), null));
            var episode = new PatientTriage.Episode("ep-old", 1, TriageDecision.Tier.HIGH, plan, List.of("VGCC-PQ-DELTA-P-HIGH@1"),
                    List.of(), List.of(), TriageDecision.ContextStatus.AVAILABLE, null, null, null, null, null, null, null, null);
            driver.<String, PatientTriage>getKeyValueStore(TriageTopology.PATIENT_STORE).put("Patient/old",
                    new PatientTriage("Patient/old", Map.of("obs-1", result), null, null, episode, 1, 1, List.of(), null));
            var requests = driver.createOutputTopic(Topics.CONTEXT_REQUEST, new StringDeserializer(),
                    new ObjectMapperDeserializer<>(ContextRequest.class, EventJson.mapper()));
            driver.advanceWallClockTime(Duration.ofSeconds(2));
            driver.advanceWallClockTime(Duration.ofSeconds(2));
            assertThat(requests.readValuesToList()).singleElement()
                    .satisfies(r -> assertThat(r.episodeId()).as("the episode's Tasks are read back").isEqualTo("ep-old"));
        }
    }
}
