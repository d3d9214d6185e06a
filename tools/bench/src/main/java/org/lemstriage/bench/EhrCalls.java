package org.lemstriage.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The requests the services made to the EHR, by service and kind (read: a batch of reads is one; write: a
 * transaction), from their metrics ({@code lemstriage_ehr_requests_total}); readiness checks are left out. Read before
 * and after a phase whose decisions are known, they give the EHR calls per decision.
 */
final class EhrCalls {
    private static final Pattern SAMPLE = Pattern.compile(
            "^lemstriage_ehr_requests_total\\{([^}]*)}\\s+([0-9.eE+-]+)", Pattern.MULTILINE);
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");
    /** The target: a first decision (the classifier's context, the notifier's read and its transaction) in 3 calls. */
    static final double TARGET_PER_FIRST_DECISION = 3;

    /** HTTP/1.1: the JDK client's h2c upgrade broke on a service's metrics answer (a protocol error, once warm). */
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final Map<String, String> services;

    /** {@code services}: name to base URL, each serving {@code /q/metrics}. */
    EhrCalls(Map<String, String> services) {
        this.services = services;
    }

    /** Requests so far, as {@code service.kind} to count. */
    Map<String, Double> now() throws Exception {
        Map<String, Double> counts = new TreeMap<>();
        for (var service : services.entrySet()) {
            HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create(service.getValue() + "/q/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (metrics.statusCode() != 200 || !SAMPLE.matcher(metrics.body()).find()) {
                throw new IllegalStateException(service.getKey() + "'s metrics (HTTP " + metrics.statusCode()
                        + ") hold no lemstriage_ehr_requests_total: EHR calls cannot be counted");
            }
            Matcher m = SAMPLE.matcher(metrics.body());
            while (m.find()) {
                Map<String, String> labels = new LinkedHashMap<>();
                Matcher l = LABEL.matcher(m.group(1));
                while (l.find()) {
                    labels.put(l.group(1), l.group(2));
                }
                String kind = labels.getOrDefault("kind", "");
                if (kind.equals("read") || kind.equals("write")) {
                    counts.merge(service.getKey() + "." + kind, Double.parseDouble(m.group(2)), Double::sum);
                }
            }
        }
        return counts;
    }

    /** Reads and writes per decision between two readings, each service's and in all, against the target. */
    static Map<String, Object> perDecision(Map<String, Double> before, Map<String, Double> after, long decisions) {
        if (decisions == 0) {
            throw new IllegalStateException("no decision to count EHR calls against");
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("decisions", decisions);
        double reads = 0;
        double writes = 0;
        for (var entry : after.entrySet()) {
            double calls = entry.getValue() - before.getOrDefault(entry.getKey(), 0.0);
            double each = calls / decisions;
            result.put(entry.getKey(), Benchmark.round2(each));
            if (entry.getKey().endsWith(".read")) {
                reads += each;
            } else {
                writes += each;
            }
        }
        result.put("reads", Benchmark.round2(reads));
        result.put("writes", Benchmark.round2(writes));
        result.put("total", Benchmark.round2(reads + writes));
        result.put("target", TARGET_PER_FIRST_DECISION);
        return result;
    }
}
