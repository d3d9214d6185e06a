package org.lemstriage.bench;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ReportTest {
    @Test
    void eachTargetIsJudgedAtItsBoundary() {
        Map<String, Object> atTargets = results(10_000, 2_000, 1_000, 60, 250, 150, 1_000);
        atTargets.putAll(issue35(970, 3, 384));
        Map<String, Object> past = results(9_999, 1_999, 999, 60.1, 250.1, 151, 1_001);
        past.putAll(issue35(969, 3.01, 384.1));
        String met = Report.table(atTargets);
        String missed = Report.table(past);
        for (String row : new String[]{"ingest, Bundles of 100", "  ratio to HAPI parse", "ingest, single Observations",
                "ingest, tracked results only", "end to end p50", "end to end p95 / p99", "ingest CPU-ms / 1,000, Bundles",
                "ingest CPU-ms / 1,000, single POSTs", "ingest, HL7 v2 ORU^R01 over MLLP", "EHR calls per first decision",
                "RSS ingest idle / load", "EHR calls per first decision (r + w)"}) {
            assertThat(line(met, row)).as(row).endsWith(" met");
            assertThat(line(missed, row)).as(row).endsWith("NOT MET");
        }
        assertThat(line(met, "  ratio lems-triage / HAPI FHIR JPA")).contains("7.00");
    }

    /** The figures issue 35 added: the v2 rate, EHR calls per first decision (both EHRs), ingest's RSS, the peer. */
    private static Map<String, Object> issue35(double v2, double calls, double ingestRss) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("ingest_v2_oru_msgs_per_s", v2);
        r.put("ingest_v2_obx_per_s", v2 * 5);
        Map<String, Object> perDecision = Map.of("reads", calls - 1, "writes", 1.0, "total", calls, "decisions", 10);
        r.put("ehr_calls_per_decision", perDecision);
        r.put("rss_mib", Map.of("ingest", Map.of("idle", 100.0, "load", ingestRss)));
        r.put("ehr_hapi_jpa", Map.of("ehr_start_s", 30.0, "pipeline_positives_per_s", 20.0,
                "e2e_latency_ms", Map.of("p50", 80.0, "p99", 150.0), "ehr_calls_per_decision", perDecision,
                "peer", Map.of("hapi_jpa_single_obs_per_s", 300.0, "lems_triage_single_obs_per_s", 2_100.0,
                        "ratio_lems_triage_to_hapi_jpa", 7.0)));
        return r;
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
