package org.lemstriage.e2e;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.lemstriage.testsupport.BrokerAndSandbox;
import org.lemstriage.model.Topics;
import org.lemstriage.model.fhir.EhrIdentifiers;
import org.lemstriage.model.event.EventJson;
import org.lemstriage.testsupport.Fixtures;
import org.lemstriage.testsupport.TopicProbe;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole pipeline: ingest, classifier and notifier as separate JVMs, a real Kafka broker between every step, the
 * EHR sandbox as a real FHIR server. Everything is driven and checked over HTTP, as a hospital would.
 */
@BrokerAndSandbox
class PipelineIT {
    private static Pipeline pipeline;

    @BeforeAll
    static void start(BrokerAndSandbox.Infrastructure infrastructure) throws Exception {
        pipeline = Pipeline.get(infrastructure);
    }

    @Test
    void positiveVgccBecomesAScreeningTaskAndServiceRequestInTheEhr() throws Exception {
        String patient = "Patient/lt-p003";
        HttpResponse<String> response = pipeline.postObservation(Pipeline.quantity("e2e-arup-" + UUID.randomUUID(), patient,
                "https://ltd.aruplab.com/Tests/Pub", "0092628", "120", "pmol/L"));
        assertThat(response.statusCode()).isEqualTo(201);

        // How fast is the benchmark's question (deploy/local/stack bench), not this test's
        List<Task> tasks = Pipeline.await(() -> pipeline.rounds(patient, "requested"), t -> !t.isEmpty());
        Task task = tasks.get(0);
        assertThat(task.getIntent()).isEqualTo(Task.TaskIntent.ORDER);
        assertThat(task.getOwner().getReference()).isEqualTo("Organization/oncology-screening-worklist");
        assertThat(task.getDescription()).contains("P/Q-type VGCC antibody", "0.12 nmol/L");
        ServiceRequest sr = pipeline.ehr.read().resource(ServiceRequest.class).withId(task.getFocus().getReferenceElement()).execute();
        assertThat(sr.getSubject().getReference()).isEqualTo(patient);
        assertThat(sr.getCode().getCodingFirstRep().getCode()).isEqualTo("24627-2");
    }

    @Test
    void theSameObservationPostedTwiceYieldsOneTask() throws Exception {
        String patient = "Patient/lt-p004";
        String observation = Pipeline.quantity("e2e-twice-" + UUID.randomUUID(), patient,
                "https://www.mayocliniclabs.com/test-catalog", "CCPQ", "0.45", "nmol/L");
        try (TopicProbe decisions = TopicProbe.fromNow(pipeline.bootstrap, Topics.TRIAGE_DECISION)) {
            assertThat(pipeline.postObservation(observation).statusCode()).isEqualTo(201);
            assertThat(pipeline.postObservation(observation).statusCode()).isEqualTo(201);
            Pipeline.await(() -> pipeline.rounds(patient, "requested"), t -> !t.isEmpty());
            // Give any second decision time to arrive and be written, then count
            var forPatient = decisions.pollFor(Duration.ofSeconds(5)).stream().filter(r -> patient.equals(r.key())).toList();
            assertThat(forPatient).hasSize(1);
            assertThat(EventJson.mapper().readTree(forPatient.get(0).value()).get("action").asText()).isEqualTo("OPEN");
        }
        assertThat(pipeline.rounds(patient, "requested")).hasSize(1);
        Bundle requests = pipeline.ehr.search().forResource(ServiceRequest.class).cacheControl(Pipeline.FRESH)
                .where(ServiceRequest.PATIENT.hasId(patient))
                .returnBundle(Bundle.class).execute();
        List<ServiceRequest> all = requests.getEntry().stream().map(e -> (ServiceRequest) e.getResource()).toList();
        assertThat(all).filteredOn(sr -> EhrIdentifiers.EPISODE.equals(sr.getIdentifierFirstRep().getSystem())).hasSize(1);
        // A CT and a PET order per round, each once
        List<String> orders = all.stream().filter(sr -> EhrIdentifiers.ORDER.equals(sr.getIdentifierFirstRep().getSystem()))
                .map(sr -> sr.getIdentifierFirstRep().getValue()).toList();
        assertThat(orders).isNotEmpty().doesNotHaveDuplicates().hasSize(all.size() - 1);
    }

    @Test
    void routineLabsAreAcceptedAndNothingIsPublished() throws Exception {
        routineLabsAreAcceptedAndNothingIsPublished(Fixtures.routineLabs("observation-"), "Patient/routine-example");
    }

    @Test
    void usCoreLabExamplesAreAcceptedAndNothingIsPublished() throws Exception {
        Assumptions.assumeTrue(Fixtures.usCoreAvailable(), Fixtures.usCoreMissing());
        routineLabsAreAcceptedAndNothingIsPublished(Fixtures.usCore("observation-serum"), "Patient/example");
    }

    private void routineLabsAreAcceptedAndNothingIsPublished(List<Path> labs, String patient) throws Exception {
        assertThat(labs).isNotEmpty();
        try (TopicProbe probe = TopicProbe.fromNow(pipeline.bootstrap, Topics.LAB_OBSERVATION)) {
            long before = probe.endOffsetSum();
            for (Path lab : labs) {
                assertThat(pipeline.postObservation(Fixtures.read(lab)).statusCode()).as(lab.getFileName().toString()).isEqualTo(200);
            }
            assertThat(probe.endOffsetSum()).isEqualTo(before);
        }
        assertThat(pipeline.tasks(patient, "requested")).isEmpty();
    }

    @Test
    void malformedJsonIs400WithAnOperationOutcome() throws Exception {
        HttpResponse<String> response = pipeline.postObservation("{\"resourceType\": \"Observation\", ");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/fhir+json"));
        assertThat(EventJson.mapper().readTree(response.body()).get("resourceType").asText()).isEqualTo("OperationOutcome");
    }
}
