package org.lemstriage.classifier.kafka;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.lemstriage.classifier.Results;
import org.lemstriage.model.Topics;
import org.lemstriage.model.event.EventJson;
import org.lemstriage.model.event.TriageDecision;
import org.lemstriage.testsupport.KafkaBroker;
import org.lemstriage.testsupport.KafkaBrokerResource;
import org.lemstriage.testsupport.TopicProbe;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** The classifier against the real broker, exactly_once_v2: decisions are read as a read_committed consumer would. */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
class ClassifierIT {

    @Test
    void positiveResultOnTheTopicBecomesOneOpenDecision() throws Exception {
        String patient = "Patient/cl-" + UUID.randomUUID();
        var result = Results.vgcc(patient, "obs-" + UUID.randomUUID(), "0.45", "final");
        try (TopicProbe probe = TopicProbe.fromNow(KafkaBroker.bootstrapServers(), Topics.TRIAGE_DECISION);
             KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers()),
                     new StringSerializer(), new StringSerializer())) {
            String json = EventJson.mapper().writeValueAsString(result);
            producer.send(new ProducerRecord<>(Topics.LAB_OBSERVATION, patient, json)).get();
            producer.send(new ProducerRecord<>(Topics.LAB_OBSERVATION, patient, json)).get(); // resent

            var seen = probe.pollUntil(r -> patient.equals(r.key()), Duration.ofSeconds(60));
            assertThat(seen).as("a decision for the patient").anyMatch(r -> patient.equals(r.key()));
            TriageDecision decision = EventJson.mapper().readValue(seen.get(seen.size() - 1).value(), TriageDecision.class);
            assertThat(decision.action()).isEqualTo(TriageDecision.Action.OPEN);
            assertThat(decision.patientKey()).isEqualTo(patient);
            // The resent record must not produce a second decision
            assertThat(probe.pollFor(Duration.ofSeconds(3))).noneMatch(r -> patient.equals(r.key()));
        }
    }

    @Test
    void readyOnceStreamsRuns() {
        given().when().get("/q/health/ready").then().statusCode(200);
    }
}
