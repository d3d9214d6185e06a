package org.lemstriage.notifier.episode;

import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Task;
import org.lemstriage.model.fhir.EhrIdentifiers;

import java.util.List;

/**
 * The one Task of a clinician-review episode (an old positive result): requested, routine, no due window, for the
 * worklist to review what was found and when.
 */
final class ReviewTask extends EpisodeTask {
    ReviewTask(Decided decided) {
        super(decided);
    }

    @Override
    public String system() {
        return EhrIdentifiers.REVIEW;
    }

    @Override
    public String identifier() {
        return EhrIdentifiers.review(decided.episodeId());
    }

    @Override
    Task newTask() {
        return newTask(decided.episodeRequest(), createdStatus(), "clinician-review", "Clinician review of an antibody result");
    }

    /** Asked: the Task is written for the first time. */
    @Override
    public List<EpisodeEvent> events(Resource existing, Resource written) {
        return existing == null ? List.of(new EpisodeEvent(EpisodeEvent.Kind.REVIEW_NEEDED, null, null, identifier())) : List.of();
    }

    /** Never its status or authoredOn. */
    @Override
    void apply(Task task) {
        task.setPriority(Task.TaskPriority.ROUTINE);
        task.setReasonReference(decided.firstResult());
        task.setOwner(decided.worklist());
        task.setDescription(decided.decision().explanation());
    }
}
