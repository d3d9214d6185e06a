package org.lemstriage.e2e;

import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.lemstriage.testsupport.BrokerAndSandbox;
import org.lemstriage.testsupport.Fixtures;
import org.lemstriage.testsupport.SenderTokens;
import org.lemstriage.testsupport.SubscriptionNotifications;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The alert rules and the Grafana dashboard of deploy/monitoring name only metrics the running services export: after
 * a positive result, a refused one and a Subscription heartbeat, every {@code lemstriage_*}, {@code kafka_*} and {@code ft_*} metric
 * they read is on some service's /q/metrics (a renamed metric would leave an alert that can never fire).
 */
@BrokerAndSandbox
class MetricsIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Pattern METRIC = Pattern.compile("\\b((?:lemstriage|kafka|ft)_[a-z0-9_]+)\\b");
    private static Pipeline pipeline;

    @BeforeAll
    static void start(BrokerAndSandbox.Infrastructure infrastructure) throws Exception {
        pipeline = Pipeline.get(infrastructure);
    }

    @Test
    void everyMetricTheAlertsAndTheDashboardReadIsExported() throws Exception {
        String patient = "Patient/" + pipeline.ehr.create().resource(new org.hl7.fhir.r4.model.Patient().setActive(true))
                .execute().getId().getIdPart();
        assertThat(pipeline.postObservation(Pipeline.quantity("metrics-" + UUID.randomUUID(), patient,
                "https://www.mayocliniclabs.com/test-catalog", "CCPQ", "0.45", "nmol/L")).statusCode()).isEqualTo(201);
        Pipeline.await(() -> pipeline.tasks(patient, Task.TaskStatus.REQUESTED.toCode()), tasks -> !tasks.isEmpty());
        // The notifier times a result once the EHR confirmed its Tasks, which the EHR shows a moment before
        notifierMetricsWith("lemstriage_result_to_task_seconds_count{");
        HttpResponse<String> heartbeat = HTTP.send(HttpRequest.newBuilder(URI.create(pipeline.ingest.baseUrl() + "/fhir/subscription-notification"))
                .header("Content-Type", "application/fhir+json")
                .header("Authorization", "Bearer " + SenderTokens.token("ehr-subscriptions", "system/Observation.write"))
                .POST(HttpRequest.BodyPublishers.ofString(SubscriptionNotifications.heartbeat("Subscription/metrics-lab-results"))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(heartbeat.statusCode()).as(heartbeat.body()).isEqualTo(200);

        // And one refusal: a result without a status is answered 422 and counted
        assertThat(pipeline.postObservation(Pipeline.quantity("metrics-bad-" + UUID.randomUUID(), patient,
                "https://www.mayocliniclabs.com/test-catalog", "CCPQ", "0.45", "nmol/L").replace("\"status\":\"final\",", ""))
                .statusCode()).isEqualTo(422);

        Set<String> exported = new HashSet<>();
        for (ServiceProcess service : List.of(pipeline.ingest, pipeline.classifier, pipeline.notifier)) {
            String metrics = HTTP.send(HttpRequest.newBuilder(URI.create(service.baseUrl() + "/q/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            for (String line : metrics.split("\n")) {
                if (!line.startsWith("#") && !line.isBlank()) {
                    exported.add(line.split("[{ ]", 2)[0]);
                }
            }
        }
        Path monitoring = Fixtures.repositoryRoot().resolve("deploy/monitoring");
        Set<String> read = new TreeSet<>();
        for (String file : List.of("alert-rules.yml", "grafana-dashboard.json")) {
            Matcher metric = METRIC.matcher(Files.readString(monitoring.resolve(file)));
            while (metric.find()) {
                read.add(metric.group(1));
            }
        }
        assertThat(read).as("metrics the rules and the dashboard read").contains("lemstriage_dead_letters_total",
                "kafka_consumer_fetch_manager_records_lag_max", "ft_circuitbreaker_state_current",
                "lemstriage_subscription_last_notification_seconds", "lemstriage_ehr_call_seconds_bucket",
                "lemstriage_result_to_task_seconds_bucket");
        assertThat(exported).as("exported by ingest, classifier and notifier").containsAll(read);
    }

    /** The positive's way from ingest to its Tasks is timed, under its tier: a count, and a time under the test's wait. */
    @Test
    void resultAcceptedToTaskWrittenIsTimedByTier() throws Exception {
        String patient = "Patient/" + pipeline.ehr.create().resource(new org.hl7.fhir.r4.model.Patient().setActive(true))
                .execute().getId().getIdPart();
        long posted = System.nanoTime();
        assertThat(pipeline.postObservation(Pipeline.quantity("metrics-timed-" + UUID.randomUUID(), patient,
                "https://www.mayocliniclabs.com/test-catalog", "CCPQ", "0.45", "nmol/L")).statusCode()).isEqualTo(201);
        Pipeline.await(() -> pipeline.tasks(patient, Task.TaskStatus.REQUESTED.toCode()), tasks -> !tasks.isEmpty());
        double waited = (System.nanoTime() - posted) / 1e9;
        String metrics = notifierMetricsWith("lemstriage_result_to_task_seconds_count{");
        Matcher count = Pattern.compile("lemstriage_result_to_task_seconds_count\\{[^}]*tier=\"([A-Z]+)\"[^}]*} ([0-9.E]+)").matcher(metrics);
        Matcher sum = Pattern.compile("lemstriage_result_to_task_seconds_sum\\{[^}]*tier=\"([A-Z]+)\"[^}]*} ([0-9.E-]+)").matcher(metrics);
        double n = 0;
        double seconds = 0;
        while (count.find()) {
            n += Double.parseDouble(count.group(2));
        }
        while (sum.find()) {
            seconds += Double.parseDouble(sum.group(2));
        }
        assertThat(n).as("results timed").isGreaterThanOrEqualTo(1);
        assertThat(seconds / n).as("mean seconds from accepted to written, against %.1f s this test waited", waited)
                .isGreaterThan(0).isLessThan(60);
    }

    private static String notifierMetricsWith(String text) throws InterruptedException {
        return Pipeline.await(() -> {
            try {
                return HTTP.send(HttpRequest.newBuilder(URI.create(pipeline.notifier.baseUrl() + "/q/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
            } catch (Exception e) {
                return "";
            }
        }, m -> m.contains(text));
    }
}
