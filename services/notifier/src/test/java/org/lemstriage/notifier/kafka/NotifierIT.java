package org.lemstriage.notifier.kafka;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.lemstriage.model.Topics;
import org.lemstriage.model.event.EventJson;
import org.lemstriage.model.event.TriageDecision;
import org.lemstriage.model.event.TriageDecision.Action;
import org.lemstriage.model.event.TriageDecision.Tier;
import org.lemstriage.model.fhir.Fhir;
import org.lemstriage.notifier.Decisions;
import org.lemstriage.notifier.ehr.EhrIdentifiers;
import org.lemstriage.testsupport.EhrSandboxResource;
import org.lemstriage.testsupport.EhrSandboxes;
import org.lemstriage.testsupport.Eventually;
import org.lemstriage.testsupport.KafkaBroker;
import org.lemstriage.testsupport.KafkaBrokerResource;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** Decisions on the real broker become resources in the EHR sandbox, read back over its FHIR API. */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(EhrSandboxResource.class)
class NotifierIT {
    private KafkaProducer<String, String> producer;
    private IGenericClient ehr;

    @BeforeEach
    void connect() {
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers()),
                new StringSerializer(), new StringSerializer());
        ehr = Fhir.r4().newRestfulGenericClient(EhrSandboxes.shared().baseUrl());
    }

    @AfterEach
    void close() {
        producer.close();
    }

    @Test
    void openDecisionDeliveredThreeTimesLeavesOneEpisode() throws Exception {
        String episode = UUID.randomUUID().toString();
        TriageDecision open = Decisions.decision(episode, 1, "Patient/lt-p001", Action.OPEN, Tier.INTERMEDIATE, 3);
        for (int i = 0; i < 3; i++) {
            send(open);
        }
        List<Task> tasks = await(() -> tasksOf(episode), t -> t.size() == 3);
        assertThat(tasks).extracting(Task::getStatus).containsExactlyInAnyOrder(
                Task.TaskStatus.REQUESTED, Task.TaskStatus.ONHOLD, Task.TaskStatus.ONHOLD);
        assertThat(tasks).allSatisfy(t -> assertThat(t.getFor().getReference()).isEqualTo("Patient/lt-p001"));
        // A later decision on another episode proves the three deliveries were all consumed before we count
        String marker = UUID.randomUUID().toString();
        send(Decisions.decision(marker, 1, "Patient/lt-p001", Action.OPEN, Tier.LOW, 1));
        await(() -> tasksOf(marker), t -> t.size() == 1);
        assertThat(tasksOf(episode)).hasSize(3);
        Bundle requests = ehr.search().forResource(ServiceRequest.class)
                .where(ServiceRequest.IDENTIFIER.exactly().systemAndCode(EhrIdentifiers.EPISODE, episode))
                .returnBundle(Bundle.class).execute();
        assertThat(requests.getEntry()).hasSize(1);
        ServiceRequest sr = (ServiceRequest) requests.getEntryFirstRep().getResource();
        assertThat(tasks).allSatisfy(t -> assertThat(t.getFocus().getReferenceElement().getIdPart())
                .isEqualTo(sr.getIdElement().getIdPart()));
    }

    @Test
    void retractCancelsTheOpenTasksWithAReason() throws Exception {
        String episode = UUID.randomUUID().toString();
        send(Decisions.decision(episode, 1, "Patient/lt-p002", Action.OPEN, Tier.INTERMEDIATE, 2));
        await(() -> tasksOf(episode), t -> t.size() == 2);
        send(Decisions.decision(episode, 2, "Patient/lt-p002", Action.RETRACT, Tier.NONE, 0));
        List<Task> tasks = await(() -> tasksOf(episode), t -> t.stream().allMatch(x -> x.getStatus() == Task.TaskStatus.CANCELLED));
        assertThat(tasks).allSatisfy(t -> assertThat(t.getStatusReason().getText()).contains("withdrawn", episode + "/2"));
    }

    @Test
    void readyWithKafkaAndEhrAndCountsRecords() {
        given().when().get("/q/health/ready").then().statusCode(200);
        given().when().get("/q/metrics").then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString("lemstriage_records_in_total{service=\"notifier\"}"));
    }

    private void send(TriageDecision decision) throws Exception {
        producer.send(new ProducerRecord<>(Topics.TRIAGE_DECISION, decision.patientKey(),
                EventJson.mapper().writeValueAsString(decision))).get();
    }

    private List<Task> tasksOf(String episode) {
        Bundle found = ehr.search().forResource(Task.class)
                .where(Task.GROUP_IDENTIFIER.exactly().systemAndCode(EhrIdentifiers.EPISODE, episode))
                .returnBundle(Bundle.class).execute();
        return found.getEntry().stream().map(e -> (Task) e.getResource()).toList();
    }

    private static <T> T await(Supplier<T> read, java.util.function.Predicate<T> done) throws InterruptedException {
        return Eventually.await(read, done, Duration.ofSeconds(30));
    }
}
