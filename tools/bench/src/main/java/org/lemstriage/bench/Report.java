package org.lemstriage.bench;

import java.util.Locale;
import java.util.Map;

/** The results as a table, each figure beside its target and where it stands. */
final class Report {
    private static final Map<String, String> SCALE_OUT_FIGURES = Map.of(
            "ingest_single_obs_per_s", "ingest, single Observations",
            "ingest_bundle_obs_per_s", "ingest, Bundles of 100",
            "pipeline_positives_per_s", "positives to Tasks in the EHR",
            "ingest_v2_oru_msgs_per_s", "ingest, HL7 v2 ORU^R01 messages");

    private Report() {
    }

    @SuppressWarnings("unchecked")
    static String table(Map<String, Object> r) {
        StringBuilder t = new StringBuilder();
        t.append(String.format(Locale.ROOT, "%n=== lems-triage benchmark (%s run, %s cores, seed %s) ===%n", r.get("run"), r.get("cores"), r.get("seed")));
        t.append(String.format(Locale.ROOT, "load average before %s, after %s%n%n", r.get("load_average_before"), r.get("load_average_after")));
        if (r.get("warm_up") instanceof Map<?, ?> warmUp) {
            t.append(String.format(Locale.ROOT, "warm-up %s s%s, single Observations a second by round: %s%n%n", warmUp.get("seconds"),
                    Boolean.TRUE.equals(warmUp.get("settled")) ? "" : " (NOT settled)", warmUp.get("single_obs_per_s_by_round")));
        }
        row(t, "measure", "value", "target", "");
        row(t, "HAPI JSON parse (1 thread)", rate(r.get("hapi_parse_obs_per_s")), "raw limit", "");
        row(t, "HAPI instance validation (1 thread)", rate(r.get("hapi_validate_obs_per_s")), "raw limit", "");
        row(t, "Kafka producer, acks=all (raw)", rate(r.get("kafka_raw_records_per_s")), "raw limit", "");
        double bundle = num(r.get("ingest_bundle_obs_per_s"));
        double kafka = num(r.get("kafka_raw_records_per_s"));
        row(t, "ingest, Bundles of 100", rate(bundle), ">= 10000 obs/s", verdict(bundle >= Benchmark.TARGET_BUNDLE_OBS_PER_S));
        double bundleVsParse = bundle / num(r.get("hapi_parse_obs_per_s")); // unrounded: judged at the boundary
        row(t, "  ratio to HAPI parse", String.format(Locale.ROOT, "%.2f", bundleVsParse), ">= 0.15",
                verdict(bundleVsParse >= Benchmark.TARGET_BUNDLE_VS_PARSE));
        row(t, "  ratio to raw Kafka producer", String.format(Locale.ROOT, "%.2f", bundle / kafka), "(issue 6: >= 0.50)", "");
        double single = num(r.get("ingest_single_obs_per_s"));
        row(t, "ingest, single Observations", rate(single), ">= 2000 obs/s", verdict(single >= Benchmark.TARGET_SINGLE_OBS_PER_S));
        row(t, "  ratio to HAPI parse", String.format(Locale.ROOT, "%.3f", r.get("ingest_single_vs_hapi_parse")), "", "");
        double tracked = num(r.get("ingest_tracked_obs_per_s"));
        row(t, "ingest, tracked results only", rate(tracked), ">= 1000 obs/s (validated, published)",
                verdict(tracked >= Benchmark.TARGET_TRACKED_OBS_PER_S));
        if (r.containsKey("ingest_v2_oru_msgs_per_s")) {
            double v2 = num(r.get("ingest_v2_oru_msgs_per_s"));
            row(t, "ingest, HL7 v2 ORU^R01 over MLLP", rate(v2) + " msgs",
                    ">= 970 msgs/s (" + rate(r.get("ingest_v2_obx_per_s")) + " OBX)", verdict(v2 >= Benchmark.TARGET_V2_MSGS_PER_S));
        }
        row(t, "backlog after throughput runs", r.get("backlog_records_after_throughput_runs") + " records",
                "drained in " + r.get("backlog_drain_s") + " s", "");
        Map<String, Object> e2e = (Map<String, Object>) r.get("e2e_latency_ms");
        String background = "with " + e2e.get("background_obs_per_s") + " routine obs/s, " + e2e.get("samples") + " samples";
        double p50 = num(e2e.get("p50"));
        row(t, "end to end p50 (ms)", String.valueOf(p50), "<= 60 ms, " + background, verdict(p50 <= Benchmark.TARGET_E2E_P50_MS));
        double p99 = num(e2e.get("p99"));
        row(t, "end to end p95 / p99 / max (ms)", e2e.get("p95") + " / " + p99 + " / " + e2e.get("max"), "p99 <= 250 ms",
                verdict(p99 <= Benchmark.TARGET_E2E_P99_MS));
        ((Map<String, Map<String, Object>>) r.get("request_latency_ms")).forEach((phase, ms) ->
                row(t, "request p50 / p99 (ms), " + phase, ms.get("p50") + " / " + ms.get("p99"), ms.get("samples") + " requests", ""));
        long first = ((Number) r.get("first_decisions")).longValue();
        long without = ((Number) r.get("first_decisions_without_context")).longValue();
        row(t, "first decisions without EHR context", without + " of " + first, "none (EHR healthy)", verdict(without == 0));
        if (r.get("ehr_calls_per_decision") instanceof Map<?, ?> calls) {
            double total = num(calls.get("total"));
            row(t, "EHR calls per first decision", calls.get("reads") + " reads + " + calls.get("writes") + " writes",
                    "<= 3 calls, " + calls.get("decisions") + " decisions", verdict(total <= EhrCalls.TARGET_PER_FIRST_DECISION));
        }
        ((Map<String, Map<String, Object>>) r.get("rss_mib")).forEach((name, rss) -> {
            double load = num(rss.get("load"));
            double cap = name.startsWith("ingest") ? Benchmark.TARGET_INGEST_RSS_MIB : Benchmark.TARGET_RSS_MIB;
            row(t, "RSS " + name + " idle / load (MiB)", rss.get("idle") + " / " + load, String.format(Locale.ROOT, "<= %.0f MiB", cap),
                    verdict(load <= cap));
        });
        ((Map<String, Object>) r.get("startup_s")).forEach((name, seconds) ->
                row(t, "start-up " + name + " (s, launch to ready)", String.valueOf(seconds), "<= 3 s", verdict(num(seconds) <= Benchmark.TARGET_STARTUP_S)));
        cpuTable(t, (Map<String, Map<String, Object>>) r.get("cpu_ms_per_1000"));
        Map<String, Map<String, Object>> scaleOut = (Map<String, Map<String, Object>>) r.get("scale_out");
        if (scaleOut != null) {
            t.append(String.format(Locale.ROOT, "%ntwo instances of each service against one (same machine, same run)%n"));
            row(t, "measure", "1 / 2 / 1 again", "ratio, 2 against the mean of 1", "");
            scaleOut.get("ratio_2_vs_1").forEach((figure, ratio) -> row(t, SCALE_OUT_FIGURES.getOrDefault(figure, figure),
                    rate(scaleOut.get("instances_1").get(figure)).replace(" /s", "") + " / "
                            + rate(scaleOut.get("instances_2").get(figure)).replace(" /s", "") + " / "
                            + rate(scaleOut.get("instances_1_again").get(figure)),
                    String.format(Locale.ROOT, "%.2f", num(ratio)), ""));
        }
        if (r.get("ehr_hapi_jpa") instanceof Map<?, ?> hapi) {
            hapiTable(t, r, (Map<String, Object>) hapi);
        }
        return t.toString();
    }

    /** The EHR's phases on the sandbox and on HAPI FHIR JPA side by side, and the peer's own POST rate. */
    @SuppressWarnings("unchecked")
    private static void hapiTable(StringBuilder t, Map<String, Object> r, Map<String, Object> hapi) {
        t.append(String.format(Locale.ROOT, "%nthe EHR's phases: the sandbox, then HAPI FHIR JPA 8.8 (same run, same services; started in %s s)%n",
                hapi.get("ehr_start_s")));
        row(t, "measure", "sandbox", "HAPI FHIR JPA", "");
        Map<String, Map<String, Object>> scaleOut = (Map<String, Map<String, Object>>) r.get("scale_out");
        Object sandboxBurst = scaleOut == null ? null : scaleOut.get("instances_1").get("pipeline_positives_per_s");
        row(t, "positives to Tasks in the EHR", sandboxBurst == null ? "-" : rate(sandboxBurst), rate(hapi.get("pipeline_positives_per_s")), "");
        Map<String, Object> sandboxE2e = (Map<String, Object>) r.get("e2e_latency_ms");
        Map<String, Object> hapiE2e = (Map<String, Object>) hapi.get("e2e_latency_ms");
        row(t, "end to end p50 / p99 (ms)", sandboxE2e.get("p50") + " / " + sandboxE2e.get("p99"),
                hapiE2e.get("p50") + " / " + hapiE2e.get("p99"), "");
        Map<String, Object> sandboxCalls = (Map<String, Object>) r.get("ehr_calls_per_decision");
        Map<String, Object> hapiCalls = (Map<String, Object>) hapi.get("ehr_calls_per_decision");
        row(t, "EHR calls per first decision (r + w)", sandboxCalls.get("reads") + " + " + sandboxCalls.get("writes"),
                hapiCalls.get("reads") + " + " + hapiCalls.get("writes"), verdict(num(hapiCalls.get("total")) <= EhrCalls.TARGET_PER_FIRST_DECISION));
        Map<String, Object> peer = (Map<String, Object>) hapi.get("peer");
        row(t, "peer: single POSTs to HAPI FHIR JPA", rate(peer.get("hapi_jpa_single_obs_per_s")), "lems-triage " + rate(peer.get("lems_triage_single_obs_per_s")), "");
        row(t, "  ratio lems-triage / HAPI FHIR JPA", String.format(Locale.ROOT, "%.2f", num(peer.get("ratio_lems_triage_to_hapi_jpa"))), "", "");
    }

    /** CPU-ms per 1,000 observations, a row per phase and a column per process, then ingest's two targets. */
    private static void cpuTable(StringBuilder t, Map<String, Map<String, Object>> cpu) {
        t.append(String.format(Locale.ROOT, "%nCPU-ms per 1,000 observations, by phase and process (from /proc)%n"));
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-10s", "phase"));
        cpu.values().iterator().next().keySet().forEach(process -> head.append(String.format(Locale.ROOT, "%15s", process)));
        t.append(head).append(System.lineSeparator());
        cpu.forEach((phase, processes) -> {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-10s", phase));
            processes.values().forEach(ms -> line.append(String.format(Locale.ROOT, "%,15.0f", num(ms))));
            t.append(line).append(System.lineSeparator());
        });
        double bundle = num(cpu.get("bundle").get("ingest"));
        double single = num(cpu.get("single").get("ingest"));
        row(t, "ingest CPU-ms / 1,000, Bundles", String.format(Locale.ROOT, "%,.0f", bundle), "<= 150",
                verdict(bundle <= Benchmark.TARGET_INGEST_CPU_BUNDLE));
        row(t, "ingest CPU-ms / 1,000, single POSTs", String.format(Locale.ROOT, "%,.0f", single), "<= 1000",
                verdict(single <= Benchmark.TARGET_INGEST_CPU_SINGLE));
    }

    private static void row(StringBuilder t, String what, String value, String target, String verdict) {
        t.append(String.format(Locale.ROOT, "%-40s %22s  %-40s %s%n", what, value, target, verdict));
    }

    private static String rate(Object perSecond) {
        return String.format(Locale.ROOT, "%,.0f /s", num(perSecond));
    }

    private static double num(Object o) {
        return ((Number) o).doubleValue();
    }

    private static String verdict(boolean met) {
        return met ? "met" : "NOT MET";
    }
}
