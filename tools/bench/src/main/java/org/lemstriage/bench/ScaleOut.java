package org.lemstriage.bench;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The same load against one instance of each service, then against two ({@code deploy/local/stack scale 2}: same
 * machine, broker and EHR), then one again; the ratio of two to the mean of the one-instance runs: ingest's
 * throughput with requests taking turns among the ingests, and positives per second through the whole pipeline
 * (ingest, both classifier topologies, the notifier's EHR transaction).
 */
final class ScaleOut {
    private final Benchmark.Plan plan;
    private final Stack stack;
    private final String kafka;
    private final String ehr;
    private final String token;

    ScaleOut(Benchmark.Plan plan, Stack stack, String kafka, String ehr, String token) {
        this.plan = plan;
        this.stack = stack;
        this.kafka = kafka;
        this.ehr = ehr;
        this.token = token;
    }

    /** {@code instances_1}, {@code instances_2}, {@code instances_1_again} and {@code ratio_2_vs_1}, each with the same figures. */
    Map<String, Object> compare(String firstIngest, String secondIngest, SyntheticCohort cohort, List<String> bodies,
                                List<String> bundles) throws Exception {
        Map<String, Double> one = measure("one instance of each service", List.of(firstIngest), cohort, bodies, bundles);
        System.out.println("  starting a second instance of each service (deploy/local/stack scale 2)...");
        stack.scale(2);
        Ingest both = new Ingest(List.of(firstIngest, secondIngest), token);
        // The new JVMs start cold, the first ones were warmed by the whole run: the cohort's mix for a while first
        both.throughput(plan.singleClients(), plan.load(), "/fhir/Observation", bodies);
        Backlog.drain(kafka, Duration.ofMinutes(10));
        Map<String, Double> two = measure("two instances of each service", List.of(firstIngest, secondIngest), cohort, bodies, bundles);
        // One instance again, so that what changed over the run (warmer JIT, a longer broker log) shows and is averaged
        System.out.println("  stopping the second instances (deploy/local/stack scale 1)...");
        stack.scale(1);
        Backlog.drain(kafka, Duration.ofMinutes(10));
        Map<String, Double> oneAgain = measure("one instance of each service, again", List.of(firstIngest), cohort, bodies, bundles);
        Map<String, Double> ratio = new LinkedHashMap<>();
        one.forEach((figure, value) -> ratio.put(figure, Benchmark.round2(two.get(figure) / ((value + oneAgain.get(figure)) / 2))));
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("instances_1", one);
        result.put("instances_2", two);
        result.put("instances_1_again", oneAgain);
        result.put("ratio_2_vs_1", ratio);
        return result;
    }

    private Map<String, Double> measure(String instances, List<String> ingests, SyntheticCohort cohort, List<String> bodies,
                                        List<String> bundles) throws Exception {
        Ingest ingest = new Ingest(ingests, token);
        Map<String, Double> figures = new LinkedHashMap<>();
        Benchmark.step(instances + ": single Observations, " + plan.singleClients() + " clients");
        ingest.throughput(plan.singleClients(), Duration.ofSeconds(2), "/fhir/Observation", bodies);
        figures.put("ingest_single_obs_per_s", Benchmark.round(Benchmark.shown(
                ingest.throughput(plan.singleClients(), plan.load(), "/fhir/Observation", bodies))));
        Benchmark.step(instances + ": Bundles of " + Benchmark.BUNDLE_SIZE + ", " + plan.bundleClients() + " clients");
        ingest.throughput(plan.bundleClients(), Duration.ofSeconds(2), "/fhir", bundles);
        figures.put("ingest_bundle_obs_per_s", Benchmark.round(Benchmark.shown(
                ingest.throughput(plan.bundleClients(), plan.load(), "/fhir", bundles) * Benchmark.BUNDLE_SIZE)));
        List<String> listeners = ingests.size() == 1 ? List.of(stack.mllp()) : List.of(stack.mllp(), stack.secondMllp());
        Benchmark.step(instances + ": HL7 v2 ORU^R01 over MLLP, " + plan.bundleClients() + " connections");
        V2Throughput v2 = new V2Throughput(listeners, Benchmark.COHORT_PATIENTS);
        v2.messages(plan.bundleClients(), Duration.ofSeconds(2));
        figures.put("ingest_v2_oru_msgs_per_s", Benchmark.round(Benchmark.shown(v2.messages(plan.bundleClients(), plan.load()).perSecond())));
        Backlog.drain(kafka, Duration.ofMinutes(10)); // the burst below measures the pipeline, not this backlog
        Benchmark.step(instances + ": " + plan.burst() + " positives at once, until each one's Task is in the EHR");
        String runId = ingests.size() + "-" + Long.toString(System.currentTimeMillis(), 36);
        figures.put("pipeline_positives_per_s", Benchmark.round(Benchmark.shown(new EndToEnd(ingest, ehr)
                .positivesPerSecond(cohort, runId, plan.burst(), plan.singleClients(), Duration.ofMinutes(5)))));
        return figures;
    }
}
