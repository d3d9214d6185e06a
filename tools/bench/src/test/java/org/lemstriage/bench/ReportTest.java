package org.lemstriage.bench;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ReportTest {
    @Test
    void eachTargetIsJudgedAtItsBoundary() {
        String met = Report.table(results(10_000, 2_000, 600, 60, 250, 150, 1_000));
        String missed = Report.table(results(9_999, 1_999, 599, 60.1, 250.1, 151, 1_001));
        for (String row : new String[]{"ingest, Bundles of 100", "  ratio to HAPI parse", "ingest, single Observations",
                "ingest, tracked results only", "end to end p50", "end to end p95 / p99", "ingest CPU-ms / 1,000, Bundles",
                "ingest CPU-ms / 1,000, single POSTs"}) {
            assertThat(line(met, row)).as(row).endsWith(" met");
            assertThat(line(missed, row)).as(row).endsWith("NOT MET");
        }
    }

    private static String line(String table, String start) {
        return table.lines().filter(l -> l.startsWith(start)).findFirst().orElseThrow().strip();
    }

    private static Map<String, Object> results(double bundle, double single, double tracked,
                                               double p50, double p99, double cpuBundle, double cpuSingle) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("run", "full");
        r.put("cores", 2);
        r.put("seed", 1);
        r.put("hapi_parse_obs_per_s", 66_666.0);
        r.put("hapi_validate_obs_per_s", 100.0);
        r.put("kafka_raw_records_per_s", 100_000.0);
        r.put("ingest_bundle_obs_per_s", bundle);
        // the parse ratio moves with the bundle rate: 10,000 / 66,666 = 0.15
        r.put("ingest_bundle_vs_hapi_parse", Benchmark.round2(bundle / 66_666.0));
        r.put("ingest_single_obs_per_s", single);
        r.put("ingest_single_vs_hapi_parse", single / 66_666.0);
        r.put("ingest_tracked_obs_per_s", tracked);
        r.put("backlog_records_after_throughput_runs", 0);
        r.put("backlog_drain_s", 0.0);
        r.put("e2e_latency_ms", Map.of("p50", p50, "p95", p99, "p99", p99, "max", p99, "samples", 200,
                "background_obs_per_s", 500.0));
        r.put("request_latency_ms", Map.of("single", Map.of("p50", 5.0, "p99", 9.0, "samples", 100)));
        r.put("first_decisions", 10);
        r.put("first_decisions_without_context", 0);
        r.put("rss_mib", Map.of("ingest", Map.of("idle", 100.0, "load", 200.0)));
        r.put("startup_s", Map.of("ingest", 2.0));
        r.put("cpu_ms_per_1000", Map.of("single", Map.of("ingest", cpuSingle), "bundle", Map.of("ingest", cpuBundle)));
        return r;
    }
}
