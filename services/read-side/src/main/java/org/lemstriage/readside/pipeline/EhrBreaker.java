package org.lemstriage.readside.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.lemstriage.model.health.EhrWritesHealth;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The notifier's circuit breaker in front of EHR writes, as the notifier states it ({@link EhrWritesHealth}). */
@ApplicationScoped
public class EhrBreaker {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final URI notifier;

    /** {@code notifier}: the notifier's management address, e.g. {@code http://localhost:8082}. */
    public EhrBreaker(@ConfigProperty(name = "lemstriage.console.notifier-url") URI notifier) {
        this.notifier = URI.create(notifier.toString().replaceFirst("/+$", "") + EhrWritesHealth.PATH);
    }

    /** closed, open or half-open; or why it is not known. */
    public String state() {
        try {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(notifier).timeout(Duration.ofSeconds(3)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                return "unknown: the notifier's EHR-writes health answered HTTP " + answer.statusCode();
            }
            for (JsonNode check : JSON.readTree(answer.body()).path("checks")) {
                if (EhrWritesHealth.CHECK.equals(check.path("name").asText())) {
                    return check.path("data").path(EhrWritesHealth.STATE).asText("unknown: the check gives no state");
                }
            }
            return "unknown: the notifier's EHR-writes health has no " + EhrWritesHealth.CHECK + " check";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return "unknown: the notifier's EHR-writes health is not JSON";
        } catch (IOException e) {
            return "unknown: the notifier's EHR-writes health did not answer (" + e.getClass().getSimpleName() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
