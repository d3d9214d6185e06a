package org.lemstriage.bench;

import ca.uhn.fhir.rest.api.CacheControlDirective;
import ca.uhn.fhir.rest.api.SummaryEnum;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import org.HdrHistogram.Histogram;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Task;
import org.lemstriage.model.fhir.Fhir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Latency from ingest's 2xx for a positive result to its screening Task being readable in the EHR, measured one
 * positive at a time while routine labs are posted in the background at a steady rate.
 */
final class EndToEnd {

    private final Ingest ingest;
    private final String ehr;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    /** The EHR's FHIR API, for the searches (HAPI's typed criteria). */
    private final IGenericClient ehrClient;

    EndToEnd(Ingest ingest, String ehr) {
        this.ingest = ingest;
        this.ehr = ehr;
        this.ehrClient = Fhir.r4().newRestfulGenericClient(ehr);
    }

    /**
     * What a run saw: each probe's latency (microseconds), the background rate achieved, background posts sent, and
     * those refused or not sent.
     */
    record Run(Histogram latencyUs, double backgroundPerSecond, long backgroundSent, long backgroundRefused) {
    }

    Run measure(SyntheticCohort cohort, String runId, int probes, int backgroundPerSecond, Duration timeout) throws Exception {
        List<String> patients = newPatients("bench-e2e-" + runId, probes);
        List<String> routine = cohort.routine(5000).stream().map(SyntheticCohort.Result::json).toList();
        AtomicInteger next = new AtomicInteger();
        AtomicLong sent = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        AtomicLong skipped = new AtomicLong();
        java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(64);
        ScheduledExecutorService background = Executors.newScheduledThreadPool(2);
        // Every 10 ms, a hundredth of a second's worth, sent without waiting for each answer
        int perTick = Math.max(1, backgroundPerSecond / 100);
        background.scheduleAtFixedRate(() -> {
            for (int k = 0; k < perTick; k++) {
                if (!inFlight.tryAcquire()) {
                    skipped.incrementAndGet(); // ingest is behind: count it rather than pile up connections
                    continue;
                }
                String body = routine.get(Math.floorMod(next.getAndIncrement(), routine.size()));
                ingest.postAsync("/fhir/Observation", body).whenComplete((status, e) -> {
                    inFlight.release();
                    sent.incrementAndGet();
                    if (e != null || status / 100 != 2) {
                        refused.incrementAndGet();
                    }
                });
            }
        }, 0, 10, TimeUnit.MILLISECONDS);
        long t0 = System.nanoTime();
        Histogram latencies = new Histogram(3);
        try {
            Thread.sleep(1000); // the background load settles first
            for (String patient : patients) {
                int status = ingest.post("/fhir/Observation", cohort.positive(patient).json());
                if (status / 100 != 2) {
                    throw new IllegalStateException("a positive probe was refused: HTTP " + status);
                }
                long accepted = System.nanoTime();
                awaitTask(patient, timeout, 10); // 10 ms resolution; faster polling loads the EHR the notifier writes to
                latencies.recordValue((System.nanoTime() - accepted) / 1000);
                Thread.sleep(100);
            }
        } finally {
            background.shutdownNow();
        }
        return new Run(latencies, sent.get() / ((System.nanoTime() - t0) / 1e9), sent.get(), refused.get() + skipped.get());
    }

    /**
     * Positives per second through the whole pipeline: {@code count} positives, each for a new patient, posted by
     * {@code clients} threads at once, from the first post until every patient's Task is readable in the EHR.
     */
    double positivesPerSecond(SyntheticCohort cohort, String runId, int count, int clients, Duration timeout) throws Exception {
        List<String> patients = newPatients("bench-burst-" + runId, count);
        List<String> bodies = patients.stream().map(p -> cohort.positive(p).json()).toList(); // the cohort is not thread-safe
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long t0 = System.nanoTime();
        try {
            List<Future<Integer>> posts = new ArrayList<>();
            for (String body : bodies) {
                posts.add(pool.submit(() -> ingest.post("/fhir/Observation", body)));
            }
            for (Future<Integer> post : posts) {
                int status = post.get();
                if (status / 100 != 2) {
                    throw new IllegalStateException("a positive was refused: HTTP " + status);
                }
            }
        } finally {
            pool.shutdown();
        }
        long deadline = t0 + timeout.toNanos();
        for (String patient : patients) {
            while (tasks(patient) == 0) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no Task for " + patient + " within " + timeout);
                }
                Thread.sleep(20);
            }
        }
        return count / ((System.nanoTime() - t0) / 1e9);
    }

    private List<String> newPatients(String prefix, int count) throws Exception {
        List<String> patients = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            createPatient(prefix + "-" + i);
            patients.add("Patient/" + prefix + "-" + i);
        }
        return patients;
    }

    /** Waits until the EHR holds a Task for {@code patient}, asking every {@code pollMs}. */
    void awaitTask(String patient, Duration timeout, long pollMs) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (tasks(patient) == 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no Task for " + patient + " within " + timeout);
            }
            Thread.sleep(pollMs);
        }
    }

    private int tasks(String patient) {
        // Fresh: HAPI FHIR JPA answers a search repeated within 60 s from its first answer unless asked not to
        return ehrClient.search().forResource(Task.class).where(Task.PATIENT.hasId(patient)).summaryMode(SummaryEnum.COUNT)
                .cacheControl(new CacheControlDirective().setNoCache(true)).returnBundle(Bundle.class).execute().getTotal();
    }

    /** Puts a synthetic Patient in the EHR, which refuses Tasks for patients it does not know. */
    void createPatient(String id) throws Exception {
        // Its identifier: how an HL7 v2 result names it (PID-3, V2Throughput)
        put("Patient", id, "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\",\"name\":[{\"family\":\"Synthetic\"}],"
                + "\"identifier\":[{\"system\":\"" + V2Throughput.MRN_SYSTEM + "\",\"value\":\"" + id + "\"}],"
                + "\"birthDate\":\"1961-01-01\"}");
    }

    /**
     * Puts the laboratory the routine results name as their performer ({@code Organization/routine-lab}): a server that
     * checks references on write (HAPI FHIR JPA does by default) refuses a result whose performer it does not hold.
     */
    void createLaboratory() throws Exception {
        put("Organization", "routine-lab", "{\"resourceType\":\"Organization\",\"id\":\"routine-lab\",\"name\":\"Routine laboratory\"}");
    }

    private void put(String type, String id, String json) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(ehr + "/" + type + "/" + id))
                .header("Content-Type", "application/fhir+json").PUT(HttpRequest.BodyPublishers.ofString(json)).build();
        int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        if (status / 100 != 2) {
            throw new IllegalStateException("the EHR refused " + type + "/" + id + ": HTTP " + status);
        }
    }
}
