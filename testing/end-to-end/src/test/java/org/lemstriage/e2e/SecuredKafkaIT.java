package org.lemstriage.e2e;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.lemstriage.model.Topics;
import org.lemstriage.model.event.EventJson;
import org.lemstriage.model.fhir.Fhir;
import org.lemstriage.model.kafka.KafkaGrants;
import org.lemstriage.stack.ServiceProperties;
import org.lemstriage.testsupport.EhrSandboxes;
import org.lemstriage.testsupport.SecuredKafkaBroker;
import org.lemstriage.testsupport.SenderTokens;
import org.lemstriage.testsupport.TopicProbe;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The pipeline against a broker secured as a hospital's is: TLS only, SASL/SCRAM-SHA-512, and
 * ACLs that give each service exactly {@link KafkaGrants}. Its own services and broker; the EHR is the shared sandbox.
 */
class SecuredKafkaIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String INGEST = "lems-triage-ingest";
    private static final String CLASSIFIER = "lems-triage-classifier";
    private static final String NOTIFIER = "lems-triage-notifier";
    private static final String INGEST_AGENT = "ingest";
    private static final String NOTIFIER_AGENT = "notifier";

    private static SecuredKafkaBroker broker;
    private static String ehrBase;
    private static ServiceProcess ingest;
    private static ServiceProcess classifier;
    private static ServiceProcess notifier;

    @BeforeAll
    static void start() throws Exception {
        broker = SecuredKafkaBroker.start(Map.of(INGEST, KafkaGrants.INGEST, CLASSIFIER, KafkaGrants.CLASSIFIER,
                NOTIFIER, KafkaGrants.NOTIFIER));
        ehrBase = EhrSandboxes.shared().baseUrl();
        ingest = ServiceProcess.launch("ingest", "secured-ingest", withJwt(service(INGEST, broker.password(INGEST))));
        Map<String, String> classifierProperties = withJwt(service(CLASSIFIER, broker.password(CLASSIFIER)));
        classifierProperties.putAll(ServiceProperties.of().stateDir(Files.createTempDirectory("secured-classifier-state"))
                .clock(Pipeline.CLOCK_START, false).asMap());
        classifier = ServiceProcess.launch("classifier", "secured-classifier", classifierProperties);
        notifier = ServiceProcess.launch("notifier", "secured-notifier", service(NOTIFIER, broker.password(NOTIFIER)));
        for (ServiceProcess service : List.of(ingest, classifier, notifier)) {
            service.awaitReady(Duration.ofSeconds(120));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable running : new AutoCloseable[] {ingest, classifier, notifier, broker}) {
            if (running != null) {
                running.close();
            }
        }
    }

    @Test
    void aPositiveResultBecomesOneScreeningEpisodeThroughTheSecuredBroker() throws Exception {
        IGenericClient ehr = Fhir.r4().newRestfulGenericClient(ehrBase);
        String patient = "Patient/" + ehr.create().resource(new Patient().setActive(true)).execute().getId().getIdPart();
        Map<String, Object> admin = broker.clientConfig(SecuredKafkaBroker.ADMIN, broker.password(SecuredKafkaBroker.ADMIN));
        try (TopicProbe audit = TopicProbe.fromNow(admin, Topics.TRIAGE_AUDIT)) {
            HttpResponse<String> accepted = Pipeline.postObservation(ingest, Pipeline.quantity("secured-" + UUID.randomUUID(), patient,
                    "https://ltd.aruplab.com/Tests/Pub", "0092628", "120", "pmol/L"));
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(201);

            List<Task> tasks = Pipeline.await(() -> ehr.search().forResource(Task.class).cacheControl(Pipeline.FRESH)
                    .where(Task.PATIENT.hasId(patient)).returnBundle(Bundle.class).execute().getEntry().stream()
                    .map(e -> (Task) e.getResource()).filter(Pipeline::round).toList(), found -> !found.isEmpty());
            // The first round requested, later rounds on hold until due (beside them, a Task of its own asks for the
            // missing DELTA-P items of this patient the EHR knows nothing about)
            assertThat(tasks).extracting(Task::getStatus).containsOnlyOnce(Task.TaskStatus.REQUESTED);
            // Ingest's AuditEvent for the POST and the notifier's for the episode, both through the secured broker
            List<String> agents = audit.pollFor(Duration.ofSeconds(3)).stream().map(r -> auditAgent(r.value())).toList();
            assertThat(agents).contains(INGEST_AGENT, NOTIFIER_AGENT);
        }
    }

    @Test
    void eachServiceMayWriteOnlyItsOwnTopics() {
        assertRefused(INGEST, Topics.TRIAGE_DECISION);
        assertRefused(INGEST, Topics.CONTEXT);
        assertRefused(CLASSIFIER, Topics.LAB_OBSERVATION);
        assertRefused(CLASSIFIER, Topics.TRIAGE_AUDIT);
        assertRefused(NOTIFIER, Topics.LAB_OBSERVATION);
        assertRefused(NOTIFIER, Topics.TRIAGE_DECISION);
    }

    @Test
    void aServiceWithTheWrongPasswordIsNotReadyAndSaysWhy() throws Exception {
        String wrongPassword = "not-" + broker.password(NOTIFIER);
        try (ServiceProcess wrong = ServiceProcess.launch("notifier", "secured-notifier-wrong-password", service(NOTIFIER, wrongPassword))) {
            JsonNode check = awaitKafkaAccessDown(wrong);
            assertThat(check.at("/data/reason").asText()).contains("Kafka refused this service's credentials", "SCRAM-SHA-512");
            assertThat(wrong.logSinceLaunch()).contains("Kafka access: Kafka refused this service's credentials")
                    .doesNotContain(wrongPassword);
        }
    }

    @Test
    void aServiceMissingAGrantIsNotReadyAndNamesIt() throws Exception {
        // The notifier started with the classifier's account: authenticated, but its topics are not the notifier's
        try (ServiceProcess misplaced = ServiceProcess.launch("notifier", "secured-notifier-wrong-account",
                service(CLASSIFIER, broker.password(CLASSIFIER)))) {
            JsonNode check = awaitKafkaAccessDown(misplaced);
            assertThat(check.at("/data/reason").asText())
                    .contains("not allowed to READ topic " + Topics.TRIAGE_DECISION) // it may write decisions, not read them
                    .contains("not allowed to DESCRIBE topic " + Topics.TRIAGE_DECISION_DLQ)
                    .contains("not allowed to DESCRIBE topic " + Topics.TRIAGE_AUDIT);
        }
    }

    @Test
    void theClassifiersKafkaStreamsChecksTheBrokersHostName() throws Exception {
        // The broker's certificate names localhost only: Kafka Streams, configured by Quarkus apart from the other
        // clients, must refuse to talk TLS to 127.0.0.1 as if it were localhost
        Map<String, String> properties = service(CLASSIFIER, broker.password(CLASSIFIER));
        properties.put("quarkus.kafka-streams.bootstrap-servers", broker.bootstrapServers().replace("localhost", "127.0.0.1"));
        properties.put("kafka-streams.state.dir", Files.createTempDirectory("secured-classifier-by-ip").toString());
        try (ServiceProcess byAddress = ServiceProcess.launch("classifier", "secured-classifier-by-ip", withJwt(properties))) {
            String refusal = "No subject alternative names matching IP address 127.0.0.1 found";
            Pipeline.await(byAddress::logSinceLaunch, log -> log.contains(refusal));
        }
    }

    /** Which service wrote an AuditEvent: the observer's display of its source. */
    private static String auditAgent(String auditEvent) {
        try {
            String observer = EventJson.mapper().readTree(auditEvent).at("/source/observer/display").asText();
            return observer.contains("ingest") ? INGEST_AGENT : observer.contains("notifier") ? NOTIFIER_AGENT : observer;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void assertRefused(String user, String topic) {
        Map<String, Object> config = new HashMap<>(broker.clientConfig(user, broker.password(user)));
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(topic, "probe", "{}")).get(15, TimeUnit.SECONDS))
                    .as(user + " writing to " + topic)
                    .satisfiesAnyOf(e -> assertThat(e).isInstanceOf(TopicAuthorizationException.class),
                            e -> assertThat(e).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TopicAuthorizationException.class));
        }
    }

    private static JsonNode awaitKafkaAccessDown(ServiceProcess service) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> ready = HTTP.send(HttpRequest.newBuilder(URI.create(service.baseUrl() + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.ofString());
                for (JsonNode check : EventJson.mapper().readTree(ready.body()).path("checks")) {
                    if (check.path("name").asText().equals("kafka-access") && check.path("status").asText().equals("DOWN")) {
                        assertThat(ready.statusCode()).isEqualTo(503);
                        return check;
                    }
                }
            } catch (java.io.IOException notListening) {
                // still starting
            }
            Thread.sleep(500);
        }
        throw new AssertionError("kafka-access never reported DOWN; see " + service.log());
    }

    /** A service's settings: the secured broker as {@code user}, the shared EHR sandbox. */
    private static Map<String, String> service(String user, String password) {
        Map<String, String> properties = new HashMap<>(broker.serviceProperties(user, password));
        properties.put("lemstriage.ehr.base-url", ehrBase);
        return properties;
    }

    private static Map<String, String> withJwt(Map<String, String> properties) {
        properties.putAll(SenderTokens.verification());
        return properties;
    }
}
