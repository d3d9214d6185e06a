package org.lemstriage.notifier.episode;

import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Task;
import org.lemstriage.model.event.ClinicianRequest;
import org.lemstriage.model.fhir.EhrIdentifiers;

import java.util.List;

/**
 * A Task that asks a clinician something: requested, for the clinician the request names when the EHR holds them,
 * else the worklist, about the resource it names where the EHR holds it. A question the whole plan waits for (a
 * confirmation, an imaging decision) has the tier's priority; the others are routine.
 */
final class RequestTask extends EpisodeTask {
    private final ClinicianRequest request;

    RequestTask(Decided decided, ClinicianRequest request) {
        super(decided);
        this.request = request;
    }

    @Override
    public String system() {
        return EhrIdentifiers.REVIEW;
    }

    @Override
    public String identifier() {
        return EhrIdentifiers.request(decided.episodeId(), request.id());
    }

    @Override
    Task newTask() {
        return newTask(decided.episodeRequest(), createdStatus(), request.kind().code(), request.kind().display());
    }

    /** Asked: the Task is written for the first time. */
    @Override
    public List<EpisodeEvent> events(Resource existing, Resource written) {
        return existing == null ? List.of(new EpisodeEvent(EpisodeEvent.Kind.REVIEW_NEEDED, null, request, identifier())) : List.of();
    }

    /** Never its status. */
    @Override
    void apply(Task task) {
        boolean planWaits = request.kind() == ClinicianRequest.Kind.CONFIRM_LOW_TITRE
                || request.kind() == ClinicianRequest.Kind.IMAGING_DECISION;
        task.setPriority(planWaits && decided.high() ? Task.TaskPriority.URGENT : Task.TaskPriority.ROUTINE);
        String about = request.about();
        task.setReasonReference(about != null && (about.startsWith("Condition/") || decided.held().observations().contains(about))
                ? new Reference(about) : null);
        task.setOwner(request.owner() != null && decided.held().clinicians().contains(request.owner())
                ? new Reference(request.owner()) : decided.worklist());
        task.setDescription(request.text());
    }
}
