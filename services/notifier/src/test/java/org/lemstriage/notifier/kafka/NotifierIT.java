package org.lemstriage.notifier.kafka;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.lemstriage.model.Topics;
import org.lemstriage.model.health.EhrWritesHealth;
import org.lemstriage.model.event.TriageDecision;
import org.lemstriage.model.event.TriageDecision.Action;
import org.lemstriage.model.event.TriageDecision.Tier;
import org.lemstriage.model.fhir.Fhir;
import org.lemstriage.notifier.CapturedLog;
import org.lemstriage.notifier.Decisions;
import org.lemstriage.notifier.EpisodeInEhr;
import org.lemstriage.model.fhir.EhrIdentifiers;
import org.lemstriage.testsupport.EhrSandboxResource;
import org.lemstriage.testsupport.EhrSandboxes;
import org.lemstriage.testsupport.Eventually;
import org.lemstriage.testsupport.KafkaBroker;
import org.lemstriage.testsupport.KafkaBrokerResource;
import org.lemstriage.testsupport.TopicProbe;

import java.nio.charset.StandardCharsets;
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
    private Decisions.Sender sender;
    private EpisodeInEhr episodes;
    private IGenericClient ehr;

    @BeforeEach
    void connect() {
        sender = new Decisions.Sender();
        episodes = new EpisodeInEhr(EhrSandboxes.shared().baseUrl());
        ehr = episodes.client();
    }

    @AfterEach
    void close() {
        sender.close();
    }

    @Test
    void openDecisionDeliveredThreeTimesLeavesOneProvenanceAndOneAuditEvent() throws Exception {
        String episode = UUID.randomUUID().toString();
        TriageDecision open = Decisions.decision(episode, 1, "Patient/lt-p001", Action.OPEN, Tier.INTERMEDIATE, 3);
        try (TopicProbe audit = TopicProbe.fromNow(KafkaBroker.bootstrapServers(), Topics.TRIAGE_AUDIT)) {
            for (int i = 0; i < 3; i++) {
                send(open);
            }
            // One episode whatever the deliveries (EpisodeConformance counts it); here, what surrounds the write
            await(() -> tasksOf(episode), t -> t.size() == 3);
            ServiceRequest sr = serviceRequestOf(episode);
            Bundle provenances = ehr.search().forResource(Provenance.class)
                    .where(Provenance.TARGET.hasId("ServiceRequest/" + sr.getIdElement().getIdPart())).returnBundle(Bundle.class).execute();
            assertThat(provenances.getEntry()).hasSize(1);

            List<AuditEvent> events = audit.pollFor(Duration.ofSeconds(2)).stream()
                    .map(r -> Fhir.r4().newJsonParser().parseResource(AuditEvent.class, r.value()))
                    .filter(e -> e.getEntity().stream().anyMatch(en -> (episode + "/1").equals(en.getWhat().getIdentifier().getValue())))
                    .toList();
            assertThat(events).as("one AuditEvent for the one write").hasSize(1);
            assertThat(events.get(0).getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._0);
        }
    }

    @Test
    void permanentRejectionIsParkedWithTheEhrsStatusAndTheNextDecisionGoesThrough() throws Exception {
        String rejected = UUID.randomUUID().toString();
        String next = UUID.randomUUID().toString();
        // Everything the service logs meanwhile: the EHR's own words may echo patient data and stay out of the logs
        List<String> logged;
        try (CapturedLog log = CapturedLog.start();
             TopicProbe dlq = TopicProbe.fromNow(KafkaBroker.bootstrapServers(), Topics.TRIAGE_DECISION_DLQ)) {
            // The EHR does not know this patient: it answers 422 for good
            send(Decisions.decision(rejected, 1, "Patient/unknown-" + rejected, Action.OPEN, Tier.HIGH, 1));
            send(Decisions.decision(next, 1, "Patient/lt-p004", Action.OPEN, Tier.LOW, 1));
            ConsumerRecord<String, String> record = dlq.awaitRecord(r -> r.value().contains(rejected), Duration.ofSeconds(30));
            String reason = new String(record.headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8);
            // The reason names the failure (ids and status), never the EHR's own words, which may echo patient data
            assertThat(reason).startsWith("ehr-rejected-422: ").contains("EHR answered 422")
                    .doesNotContain("names a patient this EHR does not know");
            await(() -> tasksOf(next), t -> t.size() == 1);
            logged = log.lines();
        }
        assertThat(tasksOf(rejected)).isEmpty();
        assertThat(logged).anySatisfy(line -> assertThat(line).contains(rejected, "parked", "ehr-rejected-422"));
        assertThat(logged).noneSatisfy(line -> assertThat(line).contains("names a patient this EHR does not know"));
    }

    /** A record that is not a decision is parked as it came, and the next decision goes through. */
    @Test
    void anUnreadableRecordIsParkedAsItCameAndTheNextDecisionGoesThrough() throws Exception {
        String garbage = "{not a decision " + UUID.randomUUID();
        String next = UUID.randomUUID().toString();
        try (TopicProbe dlq = TopicProbe.fromNow(KafkaBroker.bootstrapServers(), Topics.TRIAGE_DECISION_DLQ);
             var raw = new org.apache.kafka.clients.producer.KafkaProducer<String, String>(Map.of("bootstrap.servers",
                     KafkaBroker.bootstrapServers()), new org.apache.kafka.common.serialization.StringSerializer(),
                     new org.apache.kafka.common.serialization.StringSerializer())) {
            raw.send(new org.apache.kafka.clients.producer.ProducerRecord<>(Topics.TRIAGE_DECISION, "Patient/lt-p004", garbage)).get();
            send(Decisions.decision(next, 1, "Patient/lt-p004", Action.OPEN, Tier.LOW, 1));
            ConsumerRecord<String, String> parked = dlq.awaitRecord(r -> garbage.equals(r.value()), Duration.ofSeconds(30));
            assertThat(new String(parked.headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8))
                    .isEqualTo("a record on triage.decision.v1 is not TriageDecision JSON (JsonParseException)");
            await(() -> tasksOf(next), t -> t.size() == 1);
        }
        given().when().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void aChangeByTheOncologyTeamBetweenReadAndWriteIsAnswered412AndTheWriteIsRedoneOverIt() throws Exception {
        String episode = UUID.randomUUID().toString();
        send(Decisions.decision(episode, 1, "Patient/lt-p002", Action.OPEN, Tier.INTERMEDIATE, 2));
        Task second = await(() -> tasksOf(episode), t -> t.size() == 2).stream()
                .filter(t -> t.getStatus() == Task.TaskStatus.ONHOLD).findFirst().orElseThrow();
        var faults = EhrSandboxes.shared().faults();
        int held = faults.transactionsHeld();
        faults.delayTransactions(Duration.ofSeconds(3));
        try (CapturedLog log = CapturedLog.start()) {
            TriageDecision high = Decisions.decision(episode, 2, "Patient/lt-p002", Action.UPDATE, Tier.HIGH, 2);
            send(high);
            // The notifier has read the episode and its transaction is in the EHR's hands: the team writes meanwhile
            Eventually.await(faults::transactionsHeld, n -> n > held, Duration.ofSeconds(30));
            ehr.update().resource(second.copy().addNote(new org.hl7.fhir.r4.model.Annotation().setText("moved to a morning slot"))).execute();
            List<Task> after = Eventually.await(() -> tasksOf(episode), t -> t.stream()
                    .allMatch(x -> x.getPriority() == Task.TaskPriority.URGENT), Duration.ofSeconds(60));
            assertThat(after).filteredOn(t -> t.getIdElement().getIdPart().equals(second.getIdElement().getIdPart()))
                    .singleElement().satisfies(t -> assertThat(t.getNote()).extracting(n -> n.getText()).contains("moved to a morning slot"));
            assertThat(log.lines()).anyMatch(l -> l.contains(high.decisionId()) && l.contains("retrying") && l.contains("412"));
        } finally {
            faults.clear();
        }
    }

    @Test
    void anEhrOutageIsLoggedWhenItStartsAndWhenItEndsEvenWithNothingToWrite() throws Exception {
        // With no decision waiting, an EHR outage still leaves a line in the notifier's log as it starts and ends
        try (CapturedLog log = CapturedLog.start()) {
            EhrSandboxes.shared().pause();
            try {
                Eventually.await(log::lines, lines -> lines.stream().anyMatch(l -> l.contains("EHR not answering")),
                        Duration.ofSeconds(30));
            } finally {
                EhrSandboxes.shared().resume();
            }
            Eventually.await(log::lines, lines -> lines.stream().anyMatch(l -> l.contains("EHR answering again")),
                    Duration.ofSeconds(30));
            assertThat(log.lines()).filteredOn(l -> l.contains("EHR not answering")).hasSize(1)
                    .allSatisfy(l -> assertThat(l).contains("WARN"));
        }
    }

    @Test
    void tooManyRequestsIsRetriedAfterItsRetryAfterAndWrittenOnce() throws Exception {
        String episode = UUID.randomUUID().toString();
        // One 429: the episode's reads run at once (EpisodeReader), so two would come back from the same attempt and
        // their Retry-After run side by side
        EhrSandboxes.shared().faults().fail(episode, 429, 2, 1);
        long sent = System.nanoTime();
        send(Decisions.decision(episode, 1, "Patient/lt-p006", Action.OPEN, Tier.LOW, 2));
        // Generous: another test may have left the EHR circuit breaker open and the retries deep in their backoff
        Eventually.await(() -> storedTasksOf(episode), t -> t.size() == 2, Duration.ofSeconds(90));
        assertThat(Duration.ofNanos(System.nanoTime() - sent)).as("Retry-After: 2 honoured").isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        assertThat(EhrSandboxes.shared().store().search("ServiceRequest",
                Map.of("identifier", new String[]{EhrIdentifiers.EPISODE + "|" + episode}))).hasSize(1);
    }

    @Test
    void aDecisionInRetryDoesNotHoldBackAnotherPartitionsPatients() throws Exception {
        String stuck = UUID.randomUUID().toString();
        String stuckPatient = "Patient/lt-p007";
        String other = UUID.randomUUID().toString();
        String otherPatient = List.of("Patient/lt-p001", "Patient/lt-p002", "Patient/lt-p003", "Patient/lt-p004", "Patient/lt-p005")
                .stream().filter(p -> partition(p) != partition(stuckPatient)).findFirst().orElseThrow();
        awaitOneConsumerPerPartition();
        EhrSandboxes.shared().faults().fail(stuck, 503, null, -1);
        try {
            send(Decisions.decision(stuck, 1, stuckPatient, Action.OPEN, Tier.LOW, 1));
            Thread.sleep(1_000); // the stuck decision is in its retries
            send(Decisions.decision(other, 1, otherPatient, Action.OPEN, Tier.LOW, 1));
            await(() -> storedTasksOf(other), t -> t.size() == 1);
            assertThat(storedTasksOf(stuck)).as("still failing").isEmpty();
        } finally {
            EhrSandboxes.shared().faults().clear();
        }
        Eventually.await(() -> storedTasksOf(stuck), t -> t.size() == 1, Duration.ofSeconds(60));
    }

    /** The notifier's three consumers (concurrency=3) each own one partition once the group has settled. */
    private static void awaitOneConsumerPerPartition() throws Exception {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.of(org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers()))) {
            Eventually.await(() -> {
                try {
                    return admin.describeConsumerGroups(List.of("lems-triage-notifier")).all().get()
                            .get("lems-triage-notifier").members();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, members -> members.size() == KafkaBroker.PARTITIONS
                    && members.stream().allMatch(m -> m.assignment().topicPartitions().size() == 1), Duration.ofSeconds(60));
        }
    }

    /** The partition Kafka's default partitioner gives a key. */
    private static int partition(String key) {
        return org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils.murmur2(
                key.getBytes(StandardCharsets.UTF_8))) % KafkaBroker.PARTITIONS;
    }

    @Test
    void readyWithKafkaAndEhrAndCountsRecords() {
        given().when().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'kafka-access' }.status", org.hamcrest.Matchers.equalTo("UP"));
        given().when().get("/q/metrics").then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString("lemstriage_records_in_total{service=\"notifier\"}"));
    }

    @jakarta.inject.Inject
    io.smallrye.faulttolerance.api.CircuitBreakerMaintenance breakers;

    @Test
    void statesItsEhrCircuitBreakerInItsHealthGroup() {
        // Closed again, whatever the EHR faults of the tests before did to it
        breakers.reset(org.lemstriage.notifier.ehr.EpisodeWriter.BREAKER);
        given().when().get(EhrWritesHealth.PATH).then().statusCode(200)
                .body("checks.find { it.name == '" + EhrWritesHealth.CHECK + "' }.data." + EhrWritesHealth.STATE,
                        org.hamcrest.Matchers.equalTo(EhrWritesHealth.CLOSED));
        given().when().get("/q/health/ready").then()
                .body("checks.name", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasItem(EhrWritesHealth.CHECK)));
    }

    private void send(TriageDecision decision) throws Exception {
        sender.send(decision);
    }

    private ServiceRequest serviceRequestOf(String episode) {
        return episodes.serviceRequest(episode);
    }

    private List<Task> tasksOf(String episode) {
        return episodes.tasks(episode);
    }

    /** Read in the sandbox's store directly, past the faults injected for the notifier's requests. */
    private static List<org.hl7.fhir.r4.model.Resource> storedTasksOf(String episode) {
        return EhrSandboxes.shared().store().search("Task",
                Map.of("group-identifier", new String[]{EhrIdentifiers.EPISODE + "|" + episode}));
    }

    private static <T> T await(Supplier<T> read, java.util.function.Predicate<T> done) throws InterruptedException {
        return Eventually.await(read, done, Duration.ofSeconds(30));
    }
}
