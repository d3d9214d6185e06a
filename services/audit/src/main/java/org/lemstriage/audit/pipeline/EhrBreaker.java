package org.lemstriage.audit.pipeline;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The notifier's circuit breaker in front of EHR writes, as its metrics show it (SmallRye Fault Tolerance's
 * {@code ft.circuitbreaker.state.current} gauge: 1 for the state it is in).
 */
@ApplicationScoped
public class EhrBreaker {
    private static final Pattern CURRENT = Pattern.compile("^ft_circuitbreaker_state_current\\{[^}]*state=\"(\\w+)\"[^}]*} 1(\\.0)?$", Pattern.MULTILINE);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final URI metrics;

    public EhrBreaker(@ConfigProperty(name = "lemstriage.console.notifier-metrics-url") URI metrics) {
        this.metrics = metrics;
    }

    /** closed, open or halfOpen; or why it is not known. */
    public String state() {
        try {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(3)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                return "unknown: the notifier's metrics answered HTTP " + answer.statusCode();
            }
            Matcher current = CURRENT.matcher(answer.body());
            return current.find() ? current.group(1) : "closed (no EHR write yet)";
        } catch (IOException e) {
            return "unknown: the notifier's metrics did not answer (" + e.getClass().getSimpleName() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
