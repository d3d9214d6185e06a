package org.lemstriage.bench;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.lemstriage.model.fhir.EhrIdentifiers;
import org.lemstriage.model.fhir.Fhir;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What the EHR holds for one patient, read as the worklist would: screening episodes and their round Tasks. */
final class Ehr {
    private final String base;
    private final IGenericClient client;

    Ehr(String base) {
        this.base = base;
        this.client = Fhir.r4().newRestfulGenericClient(base);
    }

    String base() {
        return base;
    }

    /** One patient's screening: how many episodes, and whether any round Task or order is there twice. */
    record Screening(int episodes, boolean duplicated) {
    }

    Screening screening(String patient) {
        List<ServiceRequest> requests = resources(client.search().forResource(ServiceRequest.class)
                .where(ServiceRequest.PATIENT.hasId(patient)).count(200).returnBundle(Bundle.class).execute(), ServiceRequest.class);
        long episodes = requests.stream().filter(r -> has(r.getIdentifier(), EhrIdentifiers.EPISODE)).count();
        Map<String, Integer> seen = new HashMap<>();
        requests.stream().flatMap(r -> r.getIdentifier().stream()).filter(i -> EhrIdentifiers.ORDER.equals(i.getSystem()))
                .forEach(i -> seen.merge("order " + i.getValue(), 1, Integer::sum));
        for (Task t : resources(client.search().forResource(Task.class).where(Task.PATIENT.hasId(patient)).count(200)
                .returnBundle(Bundle.class).execute(), Task.class)) {
            t.getIdentifier().stream().filter(i -> EhrIdentifiers.ROUND.equals(i.getSystem()))
                    .forEach(i -> seen.merge("round " + i.getValue(), 1, Integer::sum));
        }
        return new Screening((int) episodes, episodes > 1 || seen.values().stream().anyMatch(n -> n > 1));
    }

    private static boolean has(List<Identifier> identifiers, String system) {
        return identifiers.stream().anyMatch(i -> system.equals(i.getSystem()));
    }

    /**
     * The page's resources of one type. The searches throw unless the EHR answers: a caller that polls during an EHR
     * fault tries again later.
     */
    private static <T> List<T> resources(Bundle bundle, Class<T> type) {
        return bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource).filter(type::isInstance).map(type::cast).toList();
    }
}
