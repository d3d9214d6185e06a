package org.lemstriage.readside.console;

import org.lemstriage.model.event.TriageDecision;
import org.lemstriage.model.event.TriageDecision.RoundState;
import org.lemstriage.model.event.TriageDecision.ScreeningRound;

import java.time.LocalDate;
import java.util.Comparator;
import java.util.List;

/**
 * One open surveillance episode on the worklist: its patient, tier and next step. The next step is the round that is
 * OVERDUE, else DUE, else the first PLANNED (states as the classifier last decided them); a CLINICIAN_REVIEW episode
 * has no rounds, and a plan held for a clinician waits on them: their step is the review.
 */
public record WorklistEntry(String patientKey, String episodeId, String tier, String status, String nextStep, LocalDate dueFrom,
                            LocalDate dueTo, String decidedAt) {
    public static final String REVIEW = "REVIEW";
    /** Overdue first, then due, review, planned. */
    private static final List<String> URGENCY = List.of(RoundState.OVERDUE.name(), RoundState.DUE.name(), REVIEW, RoundState.PLANNED.name());
    /** Worklist order: most urgent status, then the earliest due date, then the highest tier. */
    public static final Comparator<WorklistEntry> ORDER = Comparator.comparingInt((WorklistEntry e) -> URGENCY.indexOf(e.status()))
            .thenComparing(WorklistEntry::dueTo, Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(e -> TriageDecision.Tier.valueOf(e.tier()).ordinal());

    public static WorklistEntry of(TriageDecision episode) {
        String tier = episode.tier() == null ? TriageDecision.Tier.NONE.name() : episode.tier().name();
        String decided = episode.decidedAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        if (episode.kind() == TriageDecision.EpisodeKind.CLINICIAN_REVIEW || episode.plan() == null || episode.plan().isEmpty()
                || episode.hold() != null) {
            // A plan held for a clinician waits on that clinician, not on a round
            String step = episode.hold() == TriageDecision.Hold.CLINICIAN_DECISION ? "Clinician decision: imaging held"
                    : episode.hold() == TriageDecision.Hold.CONFIRMATION ? "Clinician confirmation before screening" : "Clinician review";
            return new WorklistEntry(episode.patientKey(), episode.episodeId(), tier, REVIEW, step, null, null, decided);
        }
        ScreeningRound next = episode.plan().stream().filter(r -> r.state() == RoundState.OVERDUE).findFirst()
                .or(() -> episode.plan().stream().filter(r -> r.state() == RoundState.DUE).findFirst())
                .orElse(episode.plan().get(0));
        String state = next.state().name();
        return new WorklistEntry(episode.patientKey(), episode.episodeId(), tier, state,
                "Round " + next.round() + ": " + next.procedure(), next.dueFrom(), next.dueTo(), decided);
    }

    public boolean overdue() {
        return RoundState.OVERDUE.name().equals(status);
    }
}
