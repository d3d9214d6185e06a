package org.lemstriage.notifier.episode;

import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Task;
import org.lemstriage.model.event.TriageDecision;
import org.lemstriage.model.event.TriageDecision.ScreeningRound;
import org.lemstriage.model.fhir.EhrIdentifiers;

import java.util.ArrayList;
import java.util.List;

/**
 * The Task of one screening round: requested once the round is due, on hold until then; it focuses on the round's
 * CT order and is based on the episode's ServiceRequest. An overdue round's priority goes one step up and its note
 * tells the worklist why.
 */
final class RoundTask extends EpisodeTask {
    /** How lems-triage's note on an overdue round's Task begins. */
    private static final String OVERDUE_NOTE = "Overdue: ";
    private final ScreeningRound round;
    /** The round's CT order as the transaction references it. */
    private final Reference ctOrder;

    RoundTask(Decided decided, ScreeningRound round, Reference ctOrder) {
        super(decided);
        this.round = round;
        this.ctOrder = ctOrder;
    }

    @Override
    public String system() {
        return EhrIdentifiers.ROUND;
    }

    @Override
    public String identifier() {
        return EhrIdentifiers.round(decided.episodeId(), round.round());
    }

    /** Released to the worklist: due or overdue. */
    static boolean due(ScreeningRound round) {
        return round.state() != TriageDecision.RoundState.PLANNED;
    }

    @Override
    Task newTask() {
        return newTask(ctOrder, createdStatus(), "oncology-screening", "Oncology screening");
    }

    /** Requested once due, on hold until then. */
    @Override
    Task.TaskStatus createdStatus() {
        return due(round) ? Task.TaskStatus.REQUESTED : Task.TaskStatus.ONHOLD;
    }

    /**
     * Released: its Task goes to the worklist on the round's schedule. Overdue: lems-triage marks it so for the first
     * time (a round released late, already overdue, is only overdue). A Task lems-triage had withdrawn and reopens is
     * new to the worklist again: released or overdue as it is now, each again. Told again only in the decision that
     * reopens it: the classifier reopens an episode on its own schedule, so a round released before comes back
     * released, not on hold.
     */
    @Override
    public List<EpisodeEvent> events(Resource existing, Resource written) {
        Task before = (Task) existing;
        Task after = (Task) written;
        boolean reopened = reopens(before);
        List<EpisodeEvent> events = new ArrayList<>();
        if (round.state() == TriageDecision.RoundState.DUE && after.getStatus() == Task.TaskStatus.REQUESTED
                && (before == null || before.getStatus() == Task.TaskStatus.ONHOLD || reopened)) {
            events.add(new EpisodeEvent(EpisodeEvent.Kind.ROUND_RELEASED, round, null, identifier()));
        }
        if (markedOverdue(after) && (before == null || !markedOverdue(before) || reopened)) {
            events.add(new EpisodeEvent(EpisodeEvent.Kind.ROUND_OVERDUE, round, null, identifier()));
        }
        return reopened ? events.stream().map(e -> e.reopened(decided.decision().version())).toList() : events;
    }

    private static boolean markedOverdue(Task task) {
        return task.getNote().stream().anyMatch(n -> Decided.byLemsTriage(n) && n.getText().startsWith(OVERDUE_NOTE));
    }

    /** Never its authoredOn; an on-hold round that fell due is released. */
    @Override
    void apply(Task task) {
        TriageDecision decision = decided.decision();
        Task.TaskPriority priority = decided.high() ? Task.TaskPriority.URGENT : Task.TaskPriority.ROUTINE;
        boolean overdue = round.state() == TriageDecision.RoundState.OVERDUE;
        if (due(round) && task.getStatus() == Task.TaskStatus.ONHOLD) {
            task.setStatus(Task.TaskStatus.REQUESTED);
        }
        task.setPriority(overdue ? (priority == Task.TaskPriority.ROUTINE ? Task.TaskPriority.URGENT : Task.TaskPriority.ASAP) : priority);
        task.getNote().removeIf(Decided::byLemsTriage);
        if (overdue) {
            task.addNote(Decided.note(OVERDUE_NOTE + "the window of screening round " + round.round() + " ended on "
                    + round.dueTo() + " without the round completed; priority raised to " + task.getPriority().toCode()
                    + " by lems-triage (decision " + decision.decisionId() + ")."));
        }
        task.setReasonReference(decided.firstResult());
        task.setOwner(decided.worklist());
        task.setDescription("Screening round " + round.round() + " of " + decision.plan().size() + ": "
                + round.procedure() + ". " + decision.explanation());
        task.getRestriction().setPeriod(RoundOrder.window(round));
        task.setFocus(ctOrder);
        task.setBasedOn(List.of(decided.episodeRequest()));
    }
}
