package org.lemstriage.readside.pipeline;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HL7 v2 codes whose coding system no site mapping names, as ingest's metrics count them
 * ({@code lemstriage_v2_unmapped_codes_total{sender, coding_system, code}}): a tracked test resulted under such a code
 * is answered AA and passes unseen, so the pipeline view lists them for the integration team to map.
 */
@ApplicationScoped
public class UnmappedCodes {
    private static final Pattern SERIES = Pattern.compile("^lemstriage_v2_unmapped_codes_total\\{([^}]*)} ([0-9.eE+]+)$", Pattern.MULTILINE);
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final URI metrics;

    public UnmappedCodes(@ConfigProperty(name = "lemstriage.console.ingest-metrics-url") URI metrics) {
        this.metrics = metrics;
    }

    /** One code: who sent it, under which coding system name, how many results since ingest started. */
    public record Code(String sender, String codingSystem, String code, long results) {
    }

    /** The codes, most results first; or why they are not known. */
    public record Figures(List<Code> codes, String unavailable) {
    }

    public Figures now() {
        try {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(3)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                return new Figures(List.of(), "unknown: ingest's metrics answered HTTP " + answer.statusCode());
            }
            return new Figures(parse(answer.body()), null);
        } catch (IOException e) {
            return new Figures(List.of(), "unknown: ingest's metrics did not answer (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Figures(List.of(), "unknown");
        }
    }

    /** The codes in a Prometheus text exposition. */
    static List<Code> parse(String exposition) {
        List<Code> codes = new ArrayList<>();
        Matcher series = SERIES.matcher(exposition);
        while (series.find()) {
            Map<String, String> labels = new HashMap<>();
            Matcher label = LABEL.matcher(series.group(1));
            while (label.find()) {
                labels.put(label.group(1), label.group(2).replace("\\\"", "\"").replace("\\\\", "\\"));
            }
            codes.add(new Code(labels.getOrDefault("sender", ""), labels.getOrDefault("coding_system", ""),
                    labels.getOrDefault("code", ""), (long) Double.parseDouble(series.group(2))));
        }
        codes.sort(Comparator.comparingLong(Code::results).reversed().thenComparing(Code::sender).thenComparing(Code::code));
        return codes;
    }
}
