package org.lemstriage.notifier.episode;

import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Task;
import org.lemstriage.model.event.TriageDecision.Closure;
import org.lemstriage.model.fhir.EhrIdentifiers;

import java.util.List;

/**
 * The Task that says the episode ended: screening ended because a tumour was recorded (naming the Condition) or a
 * clinician declined, or the two-year surveillance is complete and a clinician should re-evaluate if symptoms
 * return. Its description is the explanation of the decision that closed the episode, written once: a later decision
 * about the closed episode (a result after the closing) asks its own question and leaves why it closed as it was.
 */
final class ClosingTask extends EpisodeTask {
    ClosingTask(Decided decided) {
        super(decided);
    }

    @Override
    public String system() {
        return EhrIdentifiers.CLOSING;
    }

    @Override
    public String identifier() {
        return EhrIdentifiers.closing(decided.episodeId());
    }

    @Override
    Task newTask() {
        Closure.Reason reason = decided.decision().closure().reason();
        Task task = newTask(decided.episodeRequest(), createdStatus(), switch (reason) {
            case TUMOUR_RECORDED -> "screening-ended-tumour-recorded";
            case SURVEILLANCE_COMPLETE -> "surveillance-complete";
            case CLINICIAN_DECLINED -> "screening-ended-clinician-declined";
        }, switch (reason) {
            case TUMOUR_RECORDED -> "Screening ended: tumour recorded";
            case SURVEILLANCE_COMPLETE -> "Two-year surveillance complete: review";
            case CLINICIAN_DECLINED -> "Screening ended: a clinician declined";
        });
        task.setDescription(decided.decision().explanation());
        return task;
    }

    /** Ended: the closing Task is written, or reopened after lems-triage withdrew it (the episode ends again). */
    @Override
    public List<EpisodeEvent> events(Resource existing, Resource written) {
        boolean ends = existing == null || ((Task) existing).getStatus() == Task.TaskStatus.CANCELLED
                && ((Task) written).getStatus() == createdStatus();
        return ends ? List.of(new EpisodeEvent(switch (decided.decision().closure().reason()) {
            case TUMOUR_RECORDED -> EpisodeEvent.Kind.TUMOUR_RECORDED;
            case SURVEILLANCE_COMPLETE -> EpisodeEvent.Kind.SURVEILLANCE_COMPLETE;
            case CLINICIAN_DECLINED -> EpisodeEvent.Kind.SCREENING_DECLINED;
        }, null, null, identifier())) : List.of();
    }

    @Override
    void apply(Task task) {
        task.setPriority(Task.TaskPriority.ROUTINE);
        // The Condition was read from the EHR: it exists there
        String reference = decided.decision().closure().reference();
        task.setReasonReference(reference == null || !reference.startsWith("Condition/") ? null : new Reference(reference));
        task.setOwner(decided.worklist());
    }
}
