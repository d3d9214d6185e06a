package org.lemstriage.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.lemstriage.testsupport.BrokerAndSandbox;
import org.lemstriage.model.Topics;
import org.lemstriage.model.event.EventJson;
import org.lemstriage.testsupport.TopicProbe;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The classifier killed with SIGKILL mid-stream and started again on the same state folder: its state is intact,
 * and every patient gets exactly one OPEN decision as a read_committed consumer sees them (exactly_once_v2).
 */
@BrokerAndSandbox
class ClassifierRestartIT {
    private static final int PATIENTS = 12;
    private static Pipeline pipeline;

    @BeforeAll
    static void start(BrokerAndSandbox.Infrastructure infrastructure) throws Exception {
        pipeline = Pipeline.get(infrastructure);
    }

    @Test
    void killedMidStreamNothingIsLostOrDuplicated() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> patients = new ArrayList<>();
        for (int i = 0; i < PATIENTS; i++) {
            patients.add("Patient/restart-" + run + "-" + i);
        }
        try (TopicProbe decisions = TopicProbe.fromNow(pipeline.bootstrap, Topics.TRIAGE_DECISION)) {
            for (int i = 0; i < PATIENTS / 2; i++) {
                post(patients.get(i));
            }
            pipeline.killAndRestartClassifier(); // some of the first half may be mid-transaction
            for (int i = PATIENTS / 2; i < PATIENTS; i++) {
                post(patients.get(i));
            }
            // Resend the first half: the restored state must recognise them
            for (int i = 0; i < PATIENTS / 2; i++) {
                post(patients.get(i));
            }
            Map<String, List<String>> actions = new HashMap<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (actions.size() < PATIENTS && System.nanoTime() < deadline) {
                collect(decisions.pollFor(Duration.ofSeconds(1)), patients, actions);
            }
            // Anything duplicated would arrive shortly after: keep listening
            collect(decisions.pollFor(Duration.ofSeconds(5)), patients, actions);
            assertThat(actions).as("exactly one decision, an OPEN, per patient: none lost, none duplicated")
                    .hasSize(PATIENTS).allSatisfy((patient, seen) -> assertThat(seen).as(patient).containsExactly("OPEN"));
        }
        JsonNode view = EventJson.mapper().readTree(pipeline.triageView(patients.get(0)).body());
        assertThat(view.get("openEpisode").asText()).isNotBlank();
        assertThat(view.get("results").size()).isEqualTo(1);
    }

    private static void collect(List<ConsumerRecord<String, String>> records, List<String> patients,
                                Map<String, List<String>> actions) throws Exception {
        for (ConsumerRecord<String, String> r : records) {
            if (patients.contains(r.key())) {
                actions.computeIfAbsent(r.key(), k -> new ArrayList<>())
                        .add(EventJson.mapper().readTree(r.value()).get("action").asText());
            }
        }
    }

    private static void post(String patient) throws Exception {
        String id = "restart-" + patient.substring(patient.indexOf('/') + 1);
        assertThat(pipeline.postObservation(Pipeline.quantity(id, patient,
                "https://www.mayocliniclabs.com/test-catalog", "CCPQ", "0.45", "nmol/L")).statusCode()).isEqualTo(201);
    }
}
