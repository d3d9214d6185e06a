package org.lemstriage.e2e;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.lemstriage.model.Topics;
import org.lemstriage.model.event.EventJson;
import org.lemstriage.model.fhir.Fhir;
import org.lemstriage.testsupport.EhrSandboxes;
import org.lemstriage.testsupport.Fixtures;
import org.lemstriage.testsupport.KafkaBroker;
import org.lemstriage.testsupport.TopicProbe;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole pipeline: ingest, classifier and notifier as separate JVMs, a real Kafka broker between every step, the
 * EHR sandbox as a real FHIR server. Everything is driven and checked over HTTP, as a hospital would.
 */
class PipelineIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static ServiceProcess ingest;
    private static ServiceProcess classifier;
    private static ServiceProcess notifier;
    private static IGenericClient ehr;

    @BeforeAll
    static void startPipeline() throws Exception {
        String bootstrap = KafkaBroker.bootstrapServers();
        String ehrBase = EhrSandboxes.shared().baseUrl();
        ehr = Fhir.r4().newRestfulGenericClient(ehrBase);
        Path state = Files.createTempDirectory("e2e-classifier-state");
        ingest = ServiceProcess.start("ingest", Map.of("kafka.bootstrap.servers", bootstrap));
        classifier = ServiceProcess.start("classifier", Map.of("kafka.bootstrap.servers", bootstrap,
                "kafka-streams.state.dir", state.toString()));
        notifier = ServiceProcess.start("notifier", Map.of("kafka.bootstrap.servers", bootstrap,
                "lemstriage.ehr.base-url", ehrBase));
    }

    @AfterAll
    static void stopPipeline() throws Exception {
        for (ServiceProcess service : new ServiceProcess[]{notifier, classifier, ingest}) {
            if (service != null) {
                service.close();
            }
        }
    }

    @Test
    void positiveVgccBecomesAScreeningTaskAndServiceRequestInTheEhr() throws Exception {
        String patient = "Patient/lt-p003";
        long posted = System.nanoTime();
        HttpResponse<String> response = postObservation(vgcc("e2e-arup-" + UUID.randomUUID(), patient,
                "https://ltd.aruplab.com/Tests/Pub", "0092628", "120", "pmol/L"));
        assertThat(response.statusCode()).isEqualTo(201);

        List<Task> tasks = await(() -> tasks(patient, "requested"), t -> !t.isEmpty());
        System.out.printf("end-to-end latency, 201 to Task readable in the EHR: %d ms%n",
                Duration.ofNanos(System.nanoTime() - posted).toMillis());
        Task task = tasks.get(0);
        assertThat(task.getIntent()).isEqualTo(Task.TaskIntent.ORDER);
        assertThat(task.getOwner().getReference()).isEqualTo("Organization/oncology-screening-worklist");
        assertThat(task.getDescription()).contains("P/Q-type VGCC antibody", "0.12 nmol/L");
        ServiceRequest sr = ehr.read().resource(ServiceRequest.class).withId(task.getFocus().getReferenceElement()).execute();
        assertThat(sr.getSubject().getReference()).isEqualTo(patient);
        assertThat(sr.getCode().getCodingFirstRep().getCode()).isEqualTo("24627-2");
    }

    @Test
    void theSameObservationPostedTwiceYieldsOneTask() throws Exception {
        String patient = "Patient/lt-p004";
        String observation = vgcc("e2e-twice-" + UUID.randomUUID(), patient,
                "https://www.mayocliniclabs.com/test-catalog", "CCPQ", "0.45", "nmol/L");
        try (TopicProbe decisions = TopicProbe.fromNow(KafkaBroker.bootstrapServers(), Topics.TRIAGE_DECISION)) {
            assertThat(postObservation(observation).statusCode()).isEqualTo(201);
            assertThat(postObservation(observation).statusCode()).isEqualTo(201);
            await(() -> tasks(patient, "requested"), t -> !t.isEmpty());
            // Give any second decision time to arrive and be written, then count
            var forPatient = decisions.pollFor(Duration.ofSeconds(5)).stream().filter(r -> patient.equals(r.key())).toList();
            assertThat(forPatient).hasSize(1);
            assertThat(EventJson.mapper().readTree(forPatient.get(0).value()).get("action").asText()).isEqualTo("OPEN");
        }
        assertThat(tasks(patient, "requested")).hasSize(1);
        Bundle requests = ehr.search().forResource(ServiceRequest.class).where(ServiceRequest.PATIENT.hasId(patient))
                .returnBundle(Bundle.class).execute();
        assertThat(requests.getEntry()).hasSize(1);
    }

    @Test
    void usCoreRoutineLabsAreAcceptedAndNothingIsPublished() throws Exception {
        try (TopicProbe probe = TopicProbe.fromNow(KafkaBroker.bootstrapServers(), Topics.LAB_OBSERVATION)) {
            long before = probe.endOffsetSum();
            for (Path lab : Fixtures.usCore("observation-serum")) {
                assertThat(postObservation(Fixtures.read(lab)).statusCode()).as(lab.getFileName().toString()).isEqualTo(200);
            }
            assertThat(probe.endOffsetSum()).isEqualTo(before);
        }
        assertThat(tasks("Patient/example", "requested")).isEmpty();
    }

    @Test
    void malformedJsonIs400WithAnOperationOutcome() throws Exception {
        HttpResponse<String> response = postObservation("{\"resourceType\": \"Observation\", ");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/fhir+json"));
        assertThat(EventJson.mapper().readTree(response.body()).get("resourceType").asText()).isEqualTo("OperationOutcome");
    }

    private static HttpResponse<String> postObservation(String json) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(ingest.baseUrl() + "/fhir/Observation"))
                .header("Content-Type", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<Task> tasks(String patient, String status) {
        Bundle found = ehr.search().forResource(Task.class).where(Task.PATIENT.hasId(patient))
                .and(Task.STATUS.exactly().code(status)).returnBundle(Bundle.class).execute();
        return found.getEntry().stream().map(e -> (Task) e.getResource()).toList();
    }

    private static String vgcc(String id, String patient, String system, String code, String value, String unit) {
        return """
                {"resourceType":"Observation","id":"%s","status":"final",
                 "code":{"coding":[{"system":"%s","code":"%s"}]},
                 "subject":{"reference":"%s"},"effectiveDateTime":"2026-11-02T09:30:00Z",
                 "valueQuantity":{"value":%s,"unit":"%s","system":"http://unitsofmeasure.org","code":"%s"}}
                """.formatted(id, system, code, patient, value, unit, unit);
    }

    private static <T> T await(Supplier<T> read, Predicate<T> done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        T value = read.get();
        while (!done.test(value) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            value = read.get();
        }
        assertThat(done.test(value)).as("reached within 60 s").isTrue();
        return value;
    }
}
