package org.lemstriage.e2e;

import org.junit.jupiter.api.Test;
import org.lemstriage.testsupport.Ports;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a container platform's probes see when nothing around a service is right yet: no broker, no EHR, no token key
 * where the settings say. Each service must still answer its health endpoints with a health report (UP or DOWN with
 * the reason), never fail them: a liveness probe that fails restarts the pod, and hides the reason in a restart loop.
 * And it must answer within seconds, as a probe waits (Kubernetes: timeoutSeconds, here 10): a check that waits a
 * minute for a broker that is away is a probe timing out with no reason given. (Found by starting the classifier's
 * image with no key mounted: every /q/health request failed with HTTP 500; readiness took 60 s without a broker.)
 */
class ProbesIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void everyServiceAnswersItsProbesWithNothingReachableAndNoKey() throws Exception {
        String nowhere = "127.0.0.1:" + Ports.free();
        String missingKey = Files.createTempDirectory("no-key").resolve("absent.pem").toUri().toString();
        List<ServiceProcess> services = new ArrayList<>();
        try {
            for (String name : List.of("ingest", "classifier", "notifier")) {
                services.add(ServiceProcess.launch(name, "probes-" + name, Map.of("kafka.bootstrap.servers", nowhere,
                        "lemstriage.ehr.base-url", "http://" + nowhere + "/fhir", "mp.jwt.verify.publickey.location", missingKey,
                        "kafka-streams.state.dir", Files.createTempDirectory("probes-state").toString())));
            }
            for (ServiceProcess service : services) {
                for (String probe : List.of("/q/health/live", "/q/health/ready", "/q/health/started")) {
                    HttpResponse<String> answer = awaitAnswer(service, probe);
                    assertThat(answer.statusCode()).as(service.log() + " " + probe).isIn(200, 503);
                    assertThat(answer.body()).as(probe).contains("\"status\"");
                }
            }
        } finally {
            for (ServiceProcess service : services) {
                service.close();
            }
        }
    }

    private static HttpResponse<String> awaitAnswer(ServiceProcess service, String path) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (true) {
            try {
                return HTTP.send(HttpRequest.newBuilder(URI.create(service.baseUrl() + path)).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString());
            } catch (java.net.http.HttpTimeoutException slow) {
                throw new AssertionError(service.log() + ": " + path + " did not answer within 10 s", slow);
            } catch (java.io.IOException notListening) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(service.log() + ": nothing listening after 90 s", notListening);
                }
                Thread.sleep(250);
            }
        }
    }
}
