package org.lemstriage.bench;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.lemstriage.model.fhir.EhrIdentifiers;
import org.lemstriage.model.fhir.Fhir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What the EHR holds for one patient, read as the worklist would: screening episodes and their round Tasks. */
final class Ehr {
    private final String base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    Ehr(String base) {
        this.base = base;
    }

    String base() {
        return base;
    }

    /** One patient's screening: how many episodes, and whether any round Task or order is there twice. */
    record Screening(int episodes, boolean duplicated) {
    }

    Screening screening(String patient) throws Exception {
        List<ServiceRequest> requests = search("ServiceRequest?patient=" + patient, ServiceRequest.class);
        long episodes = requests.stream().filter(r -> has(r.getIdentifier(), EhrIdentifiers.EPISODE)).count();
        Map<String, Integer> seen = new HashMap<>();
        requests.stream().flatMap(r -> r.getIdentifier().stream()).filter(i -> EhrIdentifiers.ORDER.equals(i.getSystem()))
                .forEach(i -> seen.merge("order " + i.getValue(), 1, Integer::sum));
        for (Task t : search("Task?patient=" + patient, Task.class)) {
            t.getIdentifier().stream().filter(i -> EhrIdentifiers.ROUND.equals(i.getSystem()))
                    .forEach(i -> seen.merge("round " + i.getValue(), 1, Integer::sum));
        }
        return new Screening((int) episodes, episodes > 1 || seen.values().stream().anyMatch(n -> n > 1));
    }

    private static boolean has(List<Identifier> identifiers, String system) {
        return identifiers.stream().anyMatch(i -> system.equals(i.getSystem()));
    }

    /** Throws unless the EHR answers 200: a caller that polls during an EHR fault tries again later. */
    private <T> List<T> search(String query, Class<T> type) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/" + query + "&_count=200"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("the EHR answered " + response.statusCode() + " to " + query);
        }
        Bundle bundle = Fhir.r4().newJsonParser().parseResource(Bundle.class, response.body());
        return bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource).filter(type::isInstance).map(type::cast).toList();
    }
}
