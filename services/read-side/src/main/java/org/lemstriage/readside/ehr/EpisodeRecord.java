package org.lemstriage.readside.ehr;

import jakarta.enterprise.context.ApplicationScoped;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.CommunicationRequest;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.lemstriage.ehrclient.EhrClient;
import org.lemstriage.ehrclient.EhrFailure;
import org.lemstriage.model.fhir.EhrIdentifiers;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What lems-triage wrote for an episode besides its Tasks, as the EHR holds it now: the rounds' orders and the smoking
 * referral (the episode is their requisition), the patient's reminders (its group) and the clinicians' messages (based on
 * the episode's ServiceRequest). Read fresh, for the patient page's timeline.
 */
@ApplicationScoped
public class EpisodeRecord {
    /** The episode's orders, reminders and messages, or why they could not be read. */
    public record Answer(List<ServiceRequest> orders, List<CommunicationRequest> reminders, List<Communication> messages,
                         String unavailable) {
    }

    private final EhrClient ehr;

    public EpisodeRecord(EhrClient ehr) {
        this.ehr = ehr;
    }

    public Answer of(String episodeId) {
        try {
            CompletableFuture<List<ServiceRequest>> orders = ehr.start(() -> ehr.searchAll("search orders of " + episodeId,
                    ServiceRequest.class, c -> c.search().forResource(ServiceRequest.class).cacheControl(EhrClient.FRESH)
                            .where(ServiceRequest.REQUISITION.exactly().systemAndCode(EhrIdentifiers.EPISODE, episodeId))
                            .returnBundle(Bundle.class).execute()));
            CompletableFuture<List<CommunicationRequest>> reminders = ehr.start(() -> ehr.searchAll("search reminders of " + episodeId,
                    CommunicationRequest.class, c -> c.search().forResource(CommunicationRequest.class).cacheControl(EhrClient.FRESH)
                            .where(CommunicationRequest.GROUP_IDENTIFIER.exactly().systemAndCode(EhrIdentifiers.EPISODE, episodeId))
                            .returnBundle(Bundle.class).execute()));
            List<ServiceRequest> episode = ehr.searchAll("search episode " + episodeId, ServiceRequest.class,
                    c -> c.search().forResource(ServiceRequest.class).cacheControl(EhrClient.FRESH)
                            .where(ServiceRequest.IDENTIFIER.exactly().systemAndCode(EhrIdentifiers.EPISODE, episodeId))
                            .returnBundle(Bundle.class).execute());
            List<Communication> messages = episode.isEmpty() ? List.of() : ehr.searchAll("search messages of " + episodeId,
                    Communication.class, c -> c.search().forResource(Communication.class).cacheControl(EhrClient.FRESH)
                            .where(Communication.BASED_ON.hasId("ServiceRequest/" + episode.get(0).getIdElement().getIdPart()))
                            .returnBundle(Bundle.class).execute());
            return new Answer(EhrClient.result(orders), EhrClient.result(reminders), messages, null);
        } catch (EhrFailure e) {
            return new Answer(List.of(), List.of(), List.of(), "the EHR did not answer (" + e.summary() + ")");
        }
    }
}
