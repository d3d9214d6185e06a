package org.lemstriage.readside.console;

import org.junit.jupiter.api.Test;
import org.lemstriage.model.event.TriageDecision;
import org.lemstriage.model.event.TriageDecision.RoundState;
import org.lemstriage.model.event.TriageDecision.ScreeningRound;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The worklist's next step for an episode: a round, or the clinician a held plan waits on. */
class WorklistEntryTest {
    private static final List<ScreeningRound> PLAN = List.of(
            new ScreeningRound(1, "CT thorax", LocalDate.parse("2026-11-03"), LocalDate.parse("2026-12-03"), RoundState.PLANNED),
            new ScreeningRound(2, "CT thorax", LocalDate.parse("2027-02-03"), LocalDate.parse("2027-03-05"), RoundState.PLANNED));

    @Test
    void aHeldPlanWaitsOnTheClinicianNotOnItsFirstRound() {
        WorklistEntry held = WorklistEntry.of(decision(PLAN, TriageDecision.Hold.CLINICIAN_DECISION));
        assertThat(held.status()).isEqualTo(WorklistEntry.REVIEW);
        assertThat(held.nextStep()).isEqualTo("Clinician decision: imaging held");
        assertThat(WorklistEntry.of(decision(List.of(), TriageDecision.Hold.CONFIRMATION)).nextStep())
                .isEqualTo("Clinician confirmation before screening");
        WorklistEntry running = WorklistEntry.of(decision(PLAN, null));
        assertThat(running.status()).isEqualTo(RoundState.PLANNED.name());
        assertThat(running.nextStep()).startsWith("Round 1");
    }

    private static TriageDecision decision(List<ScreeningRound> plan, TriageDecision.Hold hold) {
        return new TriageDecision("ep/1", "ep", 1, "Patient/p1", TriageDecision.Action.OPEN, TriageDecision.Tier.HIGH, List.of(),
                List.of(), "3.0", "test", plan, Instant.parse("2026-11-03T10:00:00Z"), TriageDecision.ContextStatus.AVAILABLE,
                List.of(), 0, TriageDecision.EpisodeKind.SCREENING, null, List.of(), hold);
    }
}
