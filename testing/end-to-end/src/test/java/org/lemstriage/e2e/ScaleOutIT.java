package org.lemstriage.e2e;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.lemstriage.model.Topics;
import org.lemstriage.model.event.EventJson;
import org.lemstriage.model.fhir.Fhir;
import org.lemstriage.stack.ServiceProperties;
import org.lemstriage.testsupport.BrokerAndSandbox;
import org.lemstriage.testsupport.KafkaBroker;
import org.lemstriage.testsupport.SenderTokens;
import org.lemstriage.testsupport.TopicProbe;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scale-out on Kafka itself: two instances of each service against one broker whose topics have 6
 * partitions. Any classifier instance answers the triage view for any patient (it asks the instance that holds the
 * patient); one classifier and one notifier are killed with SIGKILL while positives flow, and every acknowledged
 * result still ends as exactly one screening episode in the EHR and one OPEN decision on the topic. A broker of its
 * own; the EHR of the run (the sandbox, or HAPI FHIR JPA).
 */
@BrokerAndSandbox
class ScaleOutIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int PARTITIONS = 6;
    private static final int BEFORE_KILL = 12;
    private static final int DURING_KILL = 24;

    private static KafkaClusterTestKit broker;
    private static IGenericClient ehr;
    private static String ehrBase;
    private static final List<ServiceProcess> ingests = new ArrayList<>();
    private static final List<ServiceProcess> classifiers = new ArrayList<>();
    private static final List<ServiceProcess> notifiers = new ArrayList<>();

    @BeforeAll
    static void start(BrokerAndSandbox.Infrastructure infrastructure) throws Exception {
        broker = KafkaBroker.startDedicated(PARTITIONS);
        // The sandbox, or the real FHIR server in the end-to-end suite's HAPI FHIR JPA run
        ehrBase = infrastructure.ehrBaseUrl();
        ehr = Fhir.r4().newRestfulGenericClient(ehrBase);
        for (int i = 1; i <= 2; i++) {
            ingests.add(ServiceProcess.launch("ingest", "scale-ingest-" + i, withJwt(kafka())));
            Map<String, String> classifier = withJwt(kafka());
            classifier.putAll(ServiceProperties.of().stateDir(Files.createTempDirectory("scale-classifier-" + i))
                    .clock(Pipeline.CLOCK_START, false).asMap());
            classifiers.add(ServiceProcess.launch("classifier", "scale-classifier-" + i, classifier));
            notifiers.add(ServiceProcess.launch("notifier", "scale-notifier-" + i, kafka()));
        }
        for (ServiceProcess service : all()) {
            service.awaitReady(Duration.ofSeconds(180));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        for (ServiceProcess service : all()) {
            service.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void twoOfEachServiceWithOneOfEachKilledStillMakeExactlyOneEpisodePerPatient() throws Exception {
        List<String> patients = new ArrayList<>();
        try (TopicProbe decisions = TopicProbe.fromNow(broker.bootstrapServers(), Topics.TRIAGE_DECISION)) {
            for (int i = 0; i < BEFORE_KILL; i++) {
                patients.add(postPositive(i));
            }
            awaitOneEpisodeEach(patients);

            // Any instance answers for any patient, and both name the same instance as the one holding it
            Map<String, String> holders = new LinkedHashMap<>();
            for (String patient : patients) {
                HttpResponse<String> first = triageView(classifiers.get(0), patient);
                HttpResponse<String> second = triageView(classifiers.get(1), patient);
                assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
                assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
                assertThat(openEpisode(first)).isNotBlank().isEqualTo(openEpisode(second));
                String holder = answeredBy(first);
                assertThat(answeredBy(second)).as(patient).isEqualTo(holder);
                holders.put(patient, holder);
            }
            assertThat(Set.copyOf(holders.values())).as("6 partitions over two instances: each holds some of %d patients",
                    BEFORE_KILL).containsExactlyInAnyOrder(address(classifiers.get(0)), address(classifiers.get(1)));

            // SIGKILL one classifier and one notifier while positives keep coming, alternately through both ingests
            for (int i = BEFORE_KILL; i < BEFORE_KILL + DURING_KILL; i++) {
                if (i == BEFORE_KILL + DURING_KILL / 3) {
                    classifiers.get(0).kill();
                    notifiers.get(0).kill();
                }
                patients.add(postPositive(i));
                Thread.sleep(150);
            }
            awaitOneEpisodeEach(patients);

            Map<String, List<JsonNode>> seen = new HashMap<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (seen.size() < patients.size() && System.nanoTime() < deadline) {
                collect(decisions.pollFor(Duration.ofSeconds(1)), patients, seen);
            }
            // A duplicate would come shortly after the first: keep listening
            collect(decisions.pollFor(Duration.ofSeconds(5)), patients, seen);
            // A positive whose EHR context came after the hold (the context reader's group was rebalancing) is opened on
            // its antibodies and UPDATEd when the context arrives: the same episode, a new version, never a second OPEN
            assertThat(seen).as("one episode per acknowledged positive").hasSize(patients.size()).allSatisfy((patient, decided) -> {
                assertThat(decided).extracting(d -> d.get("action").asText()).as(patient).containsOnlyOnce("OPEN")
                        .isSubsetOf("OPEN", "UPDATE");
                assertThat(decided).extracting(d -> d.get("episodeId").asText()).as(patient).containsOnly(
                        decided.get(0).get("episodeId").asText());
                assertThat(decided).extracting(d -> d.get("version").asInt()).as(patient).doesNotHaveDuplicates();
            });
        }

        // The survivor now holds every patient, those of the killed instance included, and answers for each
        String survivor = address(classifiers.get(1));
        for (String patient : patients) {
            HttpResponse<String> view = Pipeline.await(() -> triageView(classifiers.get(1), patient), r -> r.statusCode() == 200);
            assertThat(answeredBy(view)).isEqualTo(survivor);
            assertThat(openEpisode(view)).isNotBlank();
        }
    }

    /** Posts a positive P/Q-type VGCC for a new EHR patient, through ingest 1 or 2 in turn; asserts the 201. */
    private static String postPositive(int i) throws Exception {
        String patient = "Patient/" + ehr.create().resource(new Patient().setActive(true)).execute().getId().getIdPart();
        String observation = Pipeline.quantity("scale-" + UUID.randomUUID(), patient,
                "https://ltd.aruplab.com/Tests/Pub", "0092628", "120", "pmol/L");
        HttpResponse<String> accepted = Pipeline.postObservation(ingests.get(i % 2), observation);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(201);
        return patient;
    }

    /**
     * Every patient's Tasks in the EHR form one episode: one group, one round requested, no Task twice (and a Task
     * asking for the missing DELTA-P items beside the rounds).
     */
    private static void awaitOneEpisodeEach(List<String> patients) throws InterruptedException {
        for (String patient : patients) {
            List<Task> tasks = Pipeline.await(() -> tasks(patient).stream().filter(Pipeline::round).toList(),
                    found -> found.stream().anyMatch(t -> t.getStatus() == Task.TaskStatus.REQUESTED));
            assertThat(tasks).extracting(t -> t.getGroupIdentifier().getValue()).as(patient).containsOnly(
                    tasks.get(0).getGroupIdentifier().getValue());
            assertThat(tasks).extracting(Task::getStatus).as(patient).containsOnlyOnce(Task.TaskStatus.REQUESTED);
            assertThat(tasks).extracting(t -> t.getIdentifierFirstRep().getValue()).as(patient).doesNotHaveDuplicates();
        }
    }

    private static List<Task> tasks(String patient) {
        return ehr.search().forResource(Task.class).cacheControl(Pipeline.FRESH).where(Task.PATIENT.hasId(patient))
                .returnBundle(Bundle.class).execute().getEntry().stream().map(e -> (Task) e.getResource()).toList();
    }

    private static HttpResponse<String> triageView(ServiceProcess classifier, String patient) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(classifier.baseUrl() + "/patients/" + patient + "/triage"))
                    .header("Authorization", "Bearer " + SenderTokens.token("oncology-console", "lemstriage.triage.read"))
                    .build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String openEpisode(HttpResponse<String> view) throws Exception {
        return EventJson.mapper().readTree(view.body()).path("openEpisode").asText();
    }

    private static String answeredBy(HttpResponse<String> view) {
        return view.headers().firstValue("X-Lems-Triage-Instance").orElseThrow(
                () -> new AssertionError("no X-Lems-Triage-Instance header on " + view));
    }

    /** How an instance advertises itself: localhost and its HTTP port (the services' default advertised host). */
    private static String address(ServiceProcess classifier) {
        return URI.create(classifier.baseUrl()).getHost() + ":" + URI.create(classifier.baseUrl()).getPort();
    }

    private static void collect(List<ConsumerRecord<String, String>> records, List<String> patients,
                                Map<String, List<JsonNode>> decisions) throws Exception {
        for (ConsumerRecord<String, String> r : records) {
            if (patients.contains(r.key())) {
                decisions.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(EventJson.mapper().readTree(r.value()));
            }
        }
    }

    private static Map<String, String> kafka() {
        Map<String, String> properties = new HashMap<>();
        properties.put("kafka.bootstrap.servers", broker.bootstrapServers());
        properties.put("lemstriage.ehr.base-url", ehrBase);
        return properties;
    }

    private static Map<String, String> withJwt(Map<String, String> properties) {
        properties.putAll(SenderTokens.verification());
        return properties;
    }

    private static List<ServiceProcess> all() {
        List<ServiceProcess> all = new ArrayList<>(ingests);
        all.addAll(classifiers);
        all.addAll(notifiers);
        return all;
    }
}
