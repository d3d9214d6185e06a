package org.lemstriage.classifier.triage;

import org.junit.jupiter.api.Test;
import org.lemstriage.classifier.Results;
import org.lemstriage.classifier.rules.Cutoffs;
import org.lemstriage.classifier.rules.Ruleset;
import org.lemstriage.classifier.rules.ScreeningPlanner;
import org.lemstriage.classifier.rules.VgccPqPositiveRule;
import org.lemstriage.model.event.LabResult;
import org.lemstriage.model.event.TriageDecision;
import org.lemstriage.model.event.TriageDecision.Action;
import org.lemstriage.model.event.TriageDecision.Tier;

import java.time.Instant;
import java.time.LocalDate;

import static org.assertj.core.api.Assertions.assertThat;

class TriageStepTest {
    private static final Instant NOW = Instant.parse("2026-11-03T10:00:00Z");
    private final TriageStep step = new TriageStep(Ruleset.foundation(Cutoffs.defaults()), new ScreeningPlanner());

    @Test
    void positiveVgccOpensAnExplainedEpisode() {
        TriageStep.Outcome out = step.apply(null, Results.vgcc("Patient/1", "obs-1", "0.45", "final"), NOW);
        TriageDecision d = out.decision().orElseThrow();
        assertThat(d.action()).isEqualTo(Action.OPEN);
        assertThat(d.tier()).isEqualTo(Tier.INTERMEDIATE);
        assertThat(d.rulesFired()).containsExactly(VgccPqPositiveRule.ID);
        assertThat(d.rulesetVersion()).isEqualTo(Ruleset.VERSION);
        assertThat(d.decisionId()).isEqualTo(d.episodeId() + "/1");
        assertThat(d.evidence()).singleElement().satisfies(e -> {
            assertThat(e.observationReference()).isEqualTo("Observation/obs-1");
            assertThat(e.result()).isEqualTo(LabResult.Qualitative.POSITIVE);
        });
        assertThat(d.explanation()).contains("0.45 nmol/L", "Observation/obs-1", "default cutoff 0.02 nmol/L", VgccPqPositiveRule.ID);
        // INTERMEDIATE: now, then every 6 months for 2 years, from the result's date
        assertThat(d.plan()).extracting(TriageDecision.ScreeningRound::dueFrom).containsExactly(
                LocalDate.parse("2026-11-02"), LocalDate.parse("2027-05-02"), LocalDate.parse("2027-11-02"),
                LocalDate.parse("2028-05-02"), LocalDate.parse("2028-11-02"));
        assertThat(d.decidedAt()).isEqualTo(NOW);
    }

    @Test
    void resentResultChangesNothing() {
        LabResult r = Results.vgcc("Patient/1", "obs-1", "0.45", "final");
        TriageStep.Outcome first = step.apply(null, r, NOW);
        TriageStep.Outcome again = step.apply(first.state(), r, NOW.plusSeconds(60));
        assertThat(again.decision()).isEmpty();
        assertThat(again.state().episode()).isEqualTo(first.state().episode());
    }

    @Test
    void negativeAndPreliminaryResultsOpenNothing() {
        assertThat(step.apply(null, Results.vgcc("Patient/1", "obs-1", "0.01", "final"), NOW).decision()).isEmpty();
        assertThat(step.apply(null, Results.vgcc("Patient/1", "obs-2", "0.90", "preliminary"), NOW).decision()).isEmpty();
    }

    @Test
    void enteredInErrorRetractsTheEpisodeItOpened() {
        LabResult r = Results.vgcc("Patient/1", "obs-1", "0.45", "final");
        TriageStep.Outcome opened = step.apply(null, r, NOW);
        TriageStep.Outcome retracted = step.apply(opened.state(), Results.withVersion(r, "2", "entered-in-error"), NOW);
        TriageDecision d = retracted.decision().orElseThrow();
        assertThat(d.action()).isEqualTo(Action.RETRACT);
        assertThat(d.tier()).isEqualTo(Tier.NONE);
        assertThat(d.episodeId()).isEqualTo(opened.decision().orElseThrow().episodeId());
        assertThat(d.version()).isEqualTo(2);
        assertThat(retracted.state().episode()).isNull();
        // A later positive opens a new episode with a new id
        TriageDecision reopened = step.apply(retracted.state(), Results.vgcc("Patient/1", "obs-3", "0.5", "final"), NOW)
                .decision().orElseThrow();
        assertThat(reopened.action()).isEqualTo(Action.OPEN);
        assertThat(reopened.episodeId()).isNotEqualTo(d.episodeId());
    }

    @Test
    void secondPositiveUpdatesTheSameEpisode() {
        TriageStep.Outcome opened = step.apply(null, Results.vgcc("Patient/1", "obs-1", "0.45", "final"), NOW);
        TriageDecision update = step.apply(opened.state(), Results.vgcc("Patient/1", "obs-2", "1.2", "final"), NOW)
                .decision().orElseThrow();
        assertThat(update.action()).isEqualTo(Action.UPDATE);
        assertThat(update.episodeId()).isEqualTo(opened.decision().orElseThrow().episodeId());
        assertThat(update.evidence()).hasSize(2);
    }

    @Test
    void olderVersionNeverReplacesANewerOne() {
        LabResult v2 = Results.withVersion(Results.vgcc("Patient/1", "obs-1", "0.01", "corrected"), "2", "corrected");
        TriageStep.Outcome corrected = step.apply(null, v2, NOW);
        LabResult v1 = Results.vgcc("Patient/1", "obs-1", "0.45", "final");
        assertThat(step.apply(corrected.state(), v1, NOW).decision()).isEmpty();
    }
}
