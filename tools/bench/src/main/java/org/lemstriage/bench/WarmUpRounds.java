package org.lemstriage.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Single Observations from 16 clients, round after round, each round's rate, median latency and ingest's CPU per
 * 1,000: how a freshly started ingest warms up, and a JVM setting's effect once it has (before and after).
 * Against a running stack:
 * <pre>
 * java -cp "tools/bench/target/bench-0.2.0.jar:tools/bench/target/lib/*" org.lemstriage.bench.WarmUpRounds \
 *   http://localhost:8080 "$(deploy/local/stack token)" testing/fixtures/routine-labs "$(cat deploy/local/.run/pids/ingest.pid)" 12 15
 * </pre>
 * (ingest URL, bearer token, fixtures, ingest's pid, rounds, seconds a round).
 */
public final class WarmUpRounds {
    private WarmUpRounds() {
    }

    public static void main(String[] args) throws Exception {
        SyntheticCohort cohort = new SyntheticCohort(Path.of(args[2]), 20261121, Benchmark.COHORT_PATIENTS, 0.02, 0.3);
        List<String> bodies = cohort.next(20_000).stream().map(SyntheticCohort.Result::json).toList();
        Ingest ingest = new Ingest(args[0], args[1]);
        ProcessCpu cpu = new ProcessCpu(Map.of("ingest", Long.parseLong(args[3])));
        Duration round = Duration.ofSeconds(Long.parseLong(args[5]));
        for (int r = 0; r < Integer.parseInt(args[4]); r++) {
            ProcessCpu.Window window = cpu.start();
            ClosedLoop.Run run = ingest.run(16, round, "/fhir/Observation", bodies);
            System.out.printf(java.util.Locale.ROOT, "round %d: %.0f /s, p50 %.1f ms, CPU-ms per 1,000 %s%n", r, run.perSecond(),
                    run.latencyUs().getValueAtPercentile(50) / 1000.0, window.per1000(run.accepted()));
        }
    }
}
