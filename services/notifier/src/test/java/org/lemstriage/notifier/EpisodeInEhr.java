package org.lemstriage.notifier;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.lemstriage.ehrclient.EhrClient;
import org.lemstriage.model.fhir.Fhir;
import org.lemstriage.model.fhir.EhrIdentifiers;

import java.util.Comparator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An episode as a test reads it over the EHR's FHIR API, fresh (Cache-Control: no-cache), independently of the
 * notifier's own reader.
 */
public final class EpisodeInEhr {
    private final IGenericClient ehr;

    public EpisodeInEhr(String ehrBaseUrl) {
        this.ehr = Fhir.r4().newRestfulGenericClient(ehrBaseUrl);
    }

    /** The EHR's client, for what a test does to the EHR itself (the oncology team's edits). */
    public IGenericClient client() {
        return ehr;
    }

    /** The episode's one ServiceRequest; fails when there is none or more than one. */
    public ServiceRequest serviceRequest(String episode) {
        Bundle requests = ehr.search().forResource(ServiceRequest.class).cacheControl(EhrClient.FRESH)
                .where(ServiceRequest.IDENTIFIER.exactly().systemAndCode(EhrIdentifiers.EPISODE, episode))
                .returnBundle(Bundle.class).execute();
        assertThat(requests.getEntry()).as("one ServiceRequest for episode %s", episode).hasSize(1);
        return (ServiceRequest) requests.getEntryFirstRep().getResource();
    }

    /** The episode's Tasks in round order. */
    public List<Task> tasks(String episode) {
        // A page large enough for an episode: HAPI FHIR JPA pages at 10 unless asked
        Bundle found = ehr.search().forResource(Task.class).cacheControl(EhrClient.FRESH)
                .where(Task.GROUP_IDENTIFIER.exactly().systemAndCode(EhrIdentifiers.EPISODE, episode))
                .count(50).returnBundle(Bundle.class).execute();
        return found.getEntry().stream().map(e -> (Task) e.getResource())
                .sorted(Comparator.comparing(t -> t.getIdentifierFirstRep().getValue())).toList();
    }

    /** The CT and PET orders of the episode's rounds, by business identifier value. */
    public java.util.Map<String, ServiceRequest> orders(String episode) {
        Bundle found = ehr.search().forResource(ServiceRequest.class).cacheControl(EhrClient.FRESH)
                .where(ServiceRequest.REQUISITION.exactly().systemAndCode(EhrIdentifiers.EPISODE, episode))
                .returnBundle(Bundle.class).execute();
        java.util.Map<String, ServiceRequest> orders = new java.util.TreeMap<>();
        found.getEntry().forEach(e -> orders.put(((ServiceRequest) e.getResource()).getIdentifierFirstRep().getValue(),
                (ServiceRequest) e.getResource()));
        return orders;
    }

    /** The messages sent to the episode's clinicians about one event ({@code opened}, {@code round-1/overdue}, ...). */
    public List<org.hl7.fhir.r4.model.Communication> notices(String episode, String event) {
        Bundle found = ehr.search().forResource(org.hl7.fhir.r4.model.Communication.class).cacheControl(EhrClient.FRESH)
                .where(org.hl7.fhir.r4.model.Communication.IDENTIFIER.exactly()
                        .systemAndCode(EhrIdentifiers.NOTICE, EhrIdentifiers.notice(episode, event)))
                .returnBundle(Bundle.class).execute();
        return found.getEntry().stream().map(e -> (org.hl7.fhir.r4.model.Communication) e.getResource()).toList();
    }

    /** The patient's reminders of the episode's rounds, by business identifier value. */
    public java.util.Map<String, org.hl7.fhir.r4.model.CommunicationRequest> reminders(String episode) {
        Bundle found = ehr.search().forResource(org.hl7.fhir.r4.model.CommunicationRequest.class).cacheControl(EhrClient.FRESH)
                .where(org.hl7.fhir.r4.model.CommunicationRequest.GROUP_IDENTIFIER.exactly().systemAndCode(EhrIdentifiers.EPISODE, episode))
                .returnBundle(Bundle.class).execute();
        java.util.Map<String, org.hl7.fhir.r4.model.CommunicationRequest> reminders = new java.util.TreeMap<>();
        found.getEntry().forEach(e -> {
            var reminder = (org.hl7.fhir.r4.model.CommunicationRequest) e.getResource();
            assertThat(reminders.put(reminder.getIdentifierFirstRep().getValue(), reminder)).as("written once").isNull();
        });
        return reminders;
    }
}
