package org.lemstriage.notifier.ehr;

import org.lemstriage.model.fhir.EhrIdentifiers;

import jakarta.enterprise.context.ApplicationScoped;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.lemstriage.ehrclient.EhrClient;
import org.lemstriage.model.event.TriageDecision;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What the EHR holds for a decision's episode, read fresh: every search asks {@code Cache-Control: no-cache}, because
 * a server may answer a repeated search from its first answer (HAPI FHIR JPA does for 60 s by default), and an
 * episode read from before it was written would make the writer believe it absent.
 */
@ApplicationScoped
public class EpisodeReader {
    private final EhrClient ehr;

    public EpisodeReader(EhrClient ehr) {
        this.ehr = ehr;
    }

    public EpisodeTransaction.Current read(TriageDecision decision) {
        return read(decision, observations(decision));
    }

    /**
     * The episode again, after a write: which of the decision's results the EHR holds was read with it before, and
     * the write did not change it.
     */
    public EpisodeTransaction.Current readAgain(TriageDecision decision, EpisodeTransaction.Current before) {
        return read(decision, before.observations());
    }

    private EpisodeTransaction.Current read(TriageDecision decision, Set<String> observations) {
        String episodeId = decision.episodeId();
        List<ServiceRequest> requests = ehr.searchAll("search episode " + episodeId, ServiceRequest.class,
                c -> c.search().forResource(ServiceRequest.class).cacheControl(EhrClient.FRESH)
                        .where(ServiceRequest.IDENTIFIER.exactly().systemAndCode(EhrIdentifiers.EPISODE, episodeId))
                        .returnBundle(Bundle.class).execute());
        List<Task> tasks = ehr.searchAll("search tasks of " + episodeId, Task.class,
                c -> c.search().forResource(Task.class).cacheControl(EhrClient.FRESH)
                        .where(Task.GROUP_IDENTIFIER.exactly().systemAndCode(EhrIdentifiers.EPISODE, episodeId))
                        .returnBundle(Bundle.class).execute());
        return new EpisodeTransaction.Current(requests.isEmpty() ? null : requests.get(0), tasks, observations);
    }

    /** Which of the decision's results the EHR holds, so that only those are referenced literally. */
    private Set<String> observations(TriageDecision decision) {
        List<String> ids = ScreeningEpisode.observationIds(decision);
        if (ids.isEmpty()) {
            return Set.of();
        }
        return ehr.searchAll("search results of " + decision.decisionId(), Observation.class,
                        c -> c.search().forResource(Observation.class).cacheControl(EhrClient.FRESH)
                                .where(Observation.RES_ID.exactly().codes(ids)).returnBundle(Bundle.class).execute())
                .stream().map(o -> "Observation/" + o.getIdElement().getIdPart()).collect(Collectors.toSet());
    }
}
