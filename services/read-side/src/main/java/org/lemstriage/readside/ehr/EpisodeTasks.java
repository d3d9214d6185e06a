package org.lemstriage.readside.ehr;

import jakarta.enterprise.context.ApplicationScoped;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Task;
import org.lemstriage.ehrclient.EhrClient;
import org.lemstriage.ehrclient.EhrFailure;
import org.lemstriage.model.fhir.EhrIdentifiers;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Date;
import java.util.List;

/**
 * The Tasks the notifier wrote for episodes, as the EHR holds them now: their status is the worklist's, not ours. Read
 * fresh ({@code no-cache}) so a status changed a minute ago shows.
 */
@ApplicationScoped
public class EpisodeTasks {
    /** One Task of an episode: what it is (its business identifier and code), its status, when written and last changed. */
    public record EpisodeTask(String identifier, String what, String status, Instant authored, Instant changed) {
        /** Written to completed, when the Task is completed. */
        public Duration toCompletion() {
            return authored == null || changed == null ? null : Duration.between(authored, changed);
        }
    }

    /** What the EHR answered: the Tasks, or why there are none to show. */
    public record Answer(List<EpisodeTask> tasks, String unavailable) {
    }

    private final EhrClient ehr;

    public EpisodeTasks(EhrClient ehr) {
        this.ehr = ehr;
    }

    /** An episode's Tasks (rounds, review, closing), by identifier. */
    public Answer of(String episodeId) {
        return search("search tasks of " + episodeId, c -> c.search().forResource(Task.class).cacheControl(EhrClient.FRESH)
                .where(Task.GROUP_IDENTIFIER.exactly().systemAndCode(EhrIdentifiers.EPISODE, episodeId))
                .returnBundle(Bundle.class).execute());
    }

    /** Every completed screening round's Task ({@link EhrClient#MAX_PAGES} pages at most). */
    public Answer completedRounds() {
        return search("search completed rounds", c -> c.search().forResource(Task.class).cacheControl(EhrClient.FRESH)
                .where(Task.IDENTIFIER.hasSystemWithAnyCode(EhrIdentifiers.ROUND))
                .and(Task.STATUS.exactly().code(Task.TaskStatus.COMPLETED.toCode()))
                .count(200).returnBundle(Bundle.class).execute());
    }

    private Answer search(String what, java.util.function.Function<ca.uhn.fhir.rest.client.api.IGenericClient, Bundle> search) {
        try {
            List<EpisodeTask> tasks = ehr.searchAll(what, Task.class, search).stream().map(EpisodeTasks::of)
                    .sorted(Comparator.comparing(EpisodeTask::identifier)).toList();
            return new Answer(tasks, null);
        } catch (EhrFailure e) {
            return new Answer(List.of(), "the EHR did not answer (" + e.summary() + ")");
        }
    }

    private static EpisodeTask of(Task task) {
        String identifier = task.getIdentifier().stream().filter(i -> i.getSystem() != null && i.getSystem().startsWith("https://lemstriage.org/"))
                .map(i -> i.getValue()).findFirst().orElse(task.getIdElement().getIdPart());
        Date changed = task.hasLastModified() ? task.getLastModified() : task.getMeta().getLastUpdated();
        return new EpisodeTask(identifier, task.getCode().getText(), task.getStatus() == null ? "unknown" : task.getStatus().toCode(),
                task.hasAuthoredOn() ? task.getAuthoredOn().toInstant() : null, changed == null ? null : changed.toInstant());
    }
}
