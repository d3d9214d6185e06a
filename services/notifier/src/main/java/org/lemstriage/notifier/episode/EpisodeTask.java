package org.lemstriage.notifier.episode;

import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Task;
import org.lemstriage.model.fhir.EhrIdentifiers;

import java.util.Date;
import java.util.Optional;
import java.util.Set;

/**
 * What every Task of an episode shares: its business identifier, the episode's group, patient, focus and code; it is
 * lems-triage's to change while open (requested, on hold, a draft); withdrawn, it is cancelled with the reason.
 */
abstract class EpisodeTask implements PlannedResource {
    static final Set<Task.TaskStatus> OPEN = Set.of(Task.TaskStatus.REQUESTED, Task.TaskStatus.ONHOLD, Task.TaskStatus.DRAFT);

    final Decided decided;

    EpisodeTask(Decided decided) {
        this.decided = decided;
    }

    @Override
    public String type() {
        return "Task";
    }

    @Override
    public final Resource create() {
        Task task = newTask();
        apply(task);
        return task;
    }

    abstract Task newTask();

    /** The status this Task is created with, and reopened to. */
    Task.TaskStatus createdStatus() {
        return Task.TaskStatus.REQUESTED;
    }

    @Override
    public final void apply(Resource existing) {
        apply((Task) existing);
    }

    abstract void apply(Task task);

    Task newTask(Reference focus, Task.TaskStatus status, String code, String display) {
        Task task = new Task();
        task.addIdentifier(new Identifier().setSystem(system()).setValue(identifier()));
        task.setGroupIdentifier(new Identifier().setSystem(EhrIdentifiers.EPISODE).setValue(decided.episodeId()));
        task.setStatus(status);
        task.setIntent(Task.TaskIntent.ORDER);
        task.setCode(new CodeableConcept().addCoding(new Coding(EhrIdentifiers.TASK_CODE_SYSTEM, code, display)).setText(display));
        task.setFor(decided.patient());
        task.setFocus(focus);
        task.setAuthoredOn(Date.from(decided.decision().decidedAt()));
        return task;
    }

    @Override
    public boolean changeable(Resource held) {
        return OPEN.contains(((Task) held).getStatus());
    }

    /** A Task lems-triage cancelled, wanted again (its episode reopened): back to the status it is created with. */
    @Override
    public Optional<Resource> reopened(Resource held) {
        Task task = (Task) held;
        if (task.getStatus() != Task.TaskStatus.CANCELLED || !withdrawnByLemsTriage(task)) {
            return Optional.empty();
        }
        Task reopened = task.copy().setStatus(createdStatus());
        reopened.setStatusReason(null);
        return Optional.of(reopened);
    }

    /** An open Task the decision no longer wants: cancelled, with lems-triage's code and the reason. */
    static Optional<Resource> withdrawn(Task task, String reason) {
        return OPEN.contains(task.getStatus()) ? Optional.of(task.copy().setStatus(Task.TaskStatus.CANCELLED)
                .setStatusReason(new CodeableConcept(new Coding(EhrIdentifiers.TASK_CODE_SYSTEM,
                        EhrIdentifiers.WITHDRAWN_BY_LEMS_TRIAGE, "Withdrawn by lems-triage")).setText(reason)))
                : Optional.empty();
    }

    private static boolean withdrawnByLemsTriage(Task task) {
        return task.getStatusReason().getCoding().stream().anyMatch(c -> EhrIdentifiers.TASK_CODE_SYSTEM.equals(c.getSystem())
                && EhrIdentifiers.WITHDRAWN_BY_LEMS_TRIAGE.equals(c.getCode()));
    }
}
