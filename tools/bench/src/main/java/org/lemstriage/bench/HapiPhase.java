package org.lemstriage.bench;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pipeline with a real FHIR server as its EHR, in the same run as the sandbox's figures: the sandbox stopped and
 * HAPI FHIR JPA (8.8, default settings, its own H2 database) started on its port while the services keep running,
 * warm. Then what depends on the EHR, measured as on the sandbox: positives to Tasks (a burst for new patients),
 * end-to-end latency under the same background load, the EHR calls per first decision. And the peer: the same single
 * Observations posted by as many clients straight to HAPI FHIR JPA's own REST API, what a hospital would otherwise
 * stand up to receive them, beside lems-triage's rate for them in this run.
 */
final class HapiPhase {
    private final Benchmark.Plan plan;
    private final Stack sandboxStack;
    private final Ingest ingest;
    private final String token;

    HapiPhase(Benchmark.Plan plan, Stack sandboxStack, Ingest ingest, String token) {
        this.plan = plan;
        this.sandboxStack = sandboxStack;
        this.ingest = ingest;
        this.token = token;
    }

    /** Runs the phase; the stack's EHR is HAPI FHIR JPA afterwards. {@code lemsSingle}: this run's single rate. */
    Map<String, Object> run(SyntheticCohort cohort, List<String> bodies, double lemsSingle) throws Exception {
        Map<String, Object> result = new LinkedHashMap<>();
        Benchmark.step("the EHR replaced by HAPI FHIR JPA on the same port (the services keep running)");
        long t0 = System.nanoTime();
        Stack stack = sandboxStack.withEhr("hapi");
        result.put("ehr_start_s", Benchmark.round((System.nanoTime() - t0) / 1e9));
        String ehr = stack.ehr();
        EndToEnd endToEnd = new EndToEnd(ingest, ehr);
        endToEnd.createLaboratory();
        for (int p = 0; p < Benchmark.COHORT_PATIENTS; p++) {
            endToEnd.createPatient("bench-" + p);
        }
        // HAPI FHIR JPA's REST API, as a sender would post to it (it ignores the bearer token)
        Ingest peer = new Ingest(ehr.substring(0, ehr.length() - "/fhir".length()), token);
        Benchmark.step("warm-up: HAPI FHIR JPA's own POSTs, and positives through the pipeline (not measured)");
        peer.run(plan.singleClients(), plan.warmUp().dividedBy(5).plusSeconds(2), "/fhir/Observation", bodies);
        endToEnd.positivesPerSecond(cohort, "hapi-warm-" + System.currentTimeMillis(), plan.burst() / 3, plan.singleClients(),
                Duration.ofMinutes(5));

        Benchmark.step("the peer: single Observations to HAPI FHIR JPA's REST API, " + plan.singleClients() + " clients");
        ClosedLoop.Run posts = peer.run(plan.singleClients(), plan.load(), "/fhir/Observation", bodies);
        double hapiSingle = Benchmark.shown(posts.perSecond());
        Map<String, Object> peerResult = new LinkedHashMap<>();
        peerResult.put("hapi_jpa_single_obs_per_s", Benchmark.round(hapiSingle));
        peerResult.put("hapi_jpa_request_latency_ms", Benchmark.percentilesMs(posts.latencyUs()));
        peerResult.put("lems_triage_single_obs_per_s", Benchmark.round(lemsSingle));
        peerResult.put("ratio_lems_triage_to_hapi_jpa", Benchmark.round2(lemsSingle / hapiSingle));
        result.put("peer", peerResult);

        Benchmark.step("positives to Tasks in HAPI FHIR JPA: " + plan.burst() + " new patients at once");
        result.put("pipeline_positives_per_s", Benchmark.round(Benchmark.shown(endToEnd.positivesPerSecond(cohort,
                "hapi-" + System.currentTimeMillis(), plan.burst(), plan.singleClients(), Duration.ofMinutes(5)))));

        Benchmark.step("end to end on HAPI FHIR JPA: " + plan.probes() + " positives, " + Benchmark.BACKGROUND_OBS_PER_S
                + " routine obs/s in the background");
        EhrCalls ehrCalls = new EhrCalls(Map.of("classifier", stack.classifier(), "notifier", stack.notifier()));
        Map<String, Double> before = ehrCalls.now();
        EndToEnd.Run e2e = endToEnd.measure(cohort, "hapi-" + Long.toString(System.currentTimeMillis(), 36), plan.probes(),
                Benchmark.BACKGROUND_OBS_PER_S, Duration.ofSeconds(60));
        Map<String, Object> latency = new LinkedHashMap<>(Benchmark.percentilesMs(e2e.latencyUs()));
        latency.put("background_obs_per_s", Benchmark.round(e2e.backgroundPerSecond()));
        latency.put("background_refused", e2e.backgroundRefused());
        result.put("e2e_latency_ms", latency);
        // Each probe is one new patient's positive: one first decision
        result.put("ehr_calls_per_decision", EhrCalls.perDecision(before, ehrCalls.now(), e2e.latencyUs().getTotalCount()));
        return result;
    }
}
