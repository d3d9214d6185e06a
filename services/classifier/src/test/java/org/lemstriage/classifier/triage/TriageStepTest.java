package org.lemstriage.classifier.triage;

import org.junit.jupiter.api.Test;
import org.lemstriage.classifier.Results;
import org.lemstriage.classifier.rules.Cutoffs;
import org.lemstriage.classifier.rules.ClinicalCodes;
import org.lemstriage.classifier.rules.Ruleset;
import org.lemstriage.classifier.rules.ScreeningPlanner;
import org.lemstriage.model.event.ClinicalContext;
import org.lemstriage.model.event.ContextRequest;
import org.lemstriage.model.event.TriageDecision;
import org.lemstriage.model.event.TriageDecision.Action;
import org.lemstriage.model.event.TriageDecision.Tier;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The step's handling of the EHR's context: hold, decide without it, retry with backoff. The cases table covers the rules. */
class TriageStepTest {
    private static final Instant NOW = Instant.parse("2026-11-03T10:00:00Z");
    private static final ClinicalCodes CODES = ClinicalCodes.load(Optional.empty());
    private final TriageStep step = new TriageStep(Ruleset.v3(Cutoffs.defaults(), CODES), new ScreeningPlanner(),
            new org.lemstriage.classifier.rules.Surveillance(CODES),
            new TriageStep.ContextTiming(Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(2), Duration.ofDays(1)));

    @Test
    void positiveResultAsksForContextAndHoldsTheDecision() {
        TriageStep.Outcome out = step.onResult(null, Results.vgcc("Patient/1", "obs-1", "0.45", "final"), NOW);
        assertThat(out.decision()).isEmpty();
        ContextRequest request = out.contextRequest().orElseThrow();
        assertThat(request.onset()).isEqualTo(LocalDate.parse("2026-11-02"));
        assertThat(out.state().contextWait().holdUntil()).isEqualTo(NOW.plusSeconds(10));
        // Another result while waiting asks nothing more and still holds
        TriageStep.Outcome again = step.onResult(out.state(), Results.vgcc("Patient/1", "obs-2", "0.9", "final"), NOW.plusSeconds(1));
        assertThat(again.contextRequest()).isEmpty();
        assertThat(again.decision()).isEmpty();
    }

    @Test
    void holdRunsOutThenDecidesWithoutContextAndRetriesWithBackoff() {
        TriageStep.Outcome held = step.onResult(null, Results.vgcc("Patient/1", "obs-1", "0.45", "final"), NOW);
        assertThat(step.onTimer(held.state(), NOW.plusSeconds(5)).decision()).as("hold not over yet").isEmpty();
        TriageStep.Outcome decided = step.onTimer(held.state(), NOW.plusSeconds(10));
        TriageDecision d = decided.decision().orElseThrow();
        assertThat(d.action()).isEqualTo(Action.OPEN);
        assertThat(d.context()).isEqualTo(TriageDecision.ContextStatus.UNAVAILABLE);
        // Unknown items never lower the tier: the HIGH schedule until the EHR can be read
        assertThat(d.tier()).isEqualTo(Tier.HIGH);
        assertThat(d.explanation()).contains("did not answer within 10 s", "VGCC-PQ-DELTA-P-INCOMPLETE@1");
        Instant firstRetry = decided.state().contextWait().retryAt();
        assertThat(firstRetry).isEqualTo(NOW.plusSeconds(40));
        TriageStep.Outcome retried = step.onTimer(decided.state(), firstRetry);
        assertThat(retried.contextRequest()).isPresent();
        assertThat(retried.decision()).isEmpty();
        assertThat(retried.state().contextWait().retryAt()).isEqualTo(firstRetry.plusSeconds(60)); // doubled
    }

    @Test
    void unavailableAnswerNeverReplacesAGoodContext() {
        var result = Results.vgcc("Patient/1", "obs-1", "0.45", "final");
        TriageStep.Outcome held = step.onResult(null, result, NOW);
        ContextRequest request = held.contextRequest().orElseThrow();
        ClinicalContext good = new ClinicalContext("Patient/1", request.requestId(), ClinicalContext.Status.AVAILABLE, null,
                NOW, request.onset(), "Patient/1", LocalDate.parse("1950-01-01"), "male", java.util.List.of(),
                java.util.List.of(), java.util.List.of(), java.util.List.of(), java.util.List.of());
        TriageStep.Outcome decided = step.onContext(held.state(), good, NOW.plusSeconds(1));
        assertThat(decided.decision().orElseThrow().context()).isEqualTo(TriageDecision.ContextStatus.AVAILABLE);
        TriageStep.Outcome later = step.onContext(decided.state(), ClinicalContext.unavailable(request, "down", NOW), NOW.plusSeconds(2));
        assertThat(later.decision()).isEmpty();
        assertThat(later.state().context().status()).isEqualTo(ClinicalContext.Status.AVAILABLE);
    }

    @Test
    void anotherUnavailableAnswerWithOtherWordsChangesNothingTheEhrMustHear() {
        TriageStep.Outcome held = step.onResult(null, Results.vgcc("Patient/1", "obs-1", "0.45", "final"), NOW);
        ContextRequest request = held.contextRequest().orElseThrow();
        TriageStep.Outcome timedOut = step.onTimer(held.state(), NOW.plusSeconds(10));
        assertThat(timedOut.decision()).isPresent();
        TriageStep.Outcome lateAnswer = step.onContext(timedOut.state(),
                ClinicalContext.unavailable(request, "the EHR answered 404", NOW.plusSeconds(11)), NOW.plusSeconds(11));
        assertThat(lateAnswer.decision()).isEmpty();
    }

    @Test
    void aRunningSurveillanceReadsTheEhrAgainOnANewResultAndWhenItsReviewFallsDueWithoutHoldingDecisions() {
        // The context is read again, naming the episode so its Tasks are read back
        var result = Results.vgcc("Patient/1", "obs-1", "0.45", "final");
        TriageStep.Outcome held = step.onResult(null, result, NOW);
        ContextRequest request = held.contextRequest().orElseThrow();
        assertThat(request.episodeId()).as("no episode yet").isNull();
        ClinicalContext good = new ClinicalContext("Patient/1", request.requestId(), ClinicalContext.Status.AVAILABLE, null,
                NOW, request.onset(), "Patient/1", LocalDate.parse("1950-01-01"), "male", java.util.List.of(),
                java.util.List.of(), java.util.List.of(), java.util.List.of(), java.util.List.of());
        TriageStep.Outcome opened = step.onContext(held.state(), good, NOW.plusSeconds(1));
        String episode = opened.decision().orElseThrow().episodeId();
        assertThat(opened.state().nextReview()).as("looked at again within a day").isEqualTo(NOW.plusSeconds(1).plus(Duration.ofDays(1)));

        TriageStep.Outcome another = step.onResult(opened.state(), Results.vgcc("Patient/1", "obs-2", "0.9", "final"), NOW.plusSeconds(5));
        assertThat(another.contextRequest().orElseThrow().episodeId()).isEqualTo(episode);
        assertThat(another.state().contextWait().holdUntil()).as("decisions are not held").isNull();

        TriageStep.Outcome review = step.onTimer(opened.state(), opened.state().nextReview());
        assertThat(review.contextRequest().orElseThrow().episodeId()).isEqualTo(episode);
        assertThat(review.decision()).isEmpty();
    }

    @Test
    void episodeIdsAreStablePerPatientAndNumber() {
        assertThat(TriageStep.episodeId("Patient/1", 1)).isEqualTo(TriageStep.episodeId("Patient/1", 1))
                .isNotEqualTo(TriageStep.episodeId("Patient/1", 2)).isNotEqualTo(TriageStep.episodeId("Patient/2", 1));
    }

    /** A later final (or corrected) without a value, after a positive, never withdraws or lowers the episode. */
    @Test
    void aResultWithoutAValueNeverWithdrawsOrLowersTheEpisode() {
        var positive = Results.vgcc("Patient/1", "obs-1", "0.45", "final");
        TriageStep.Outcome opened = step.onTimer(step.onResult(null, positive, NOW).state(), NOW.plusSeconds(10));
        assertThat(opened.decision().orElseThrow().action()).isEqualTo(Action.OPEN);
        for (String status : java.util.List.of("final", "corrected", "amended")) {
            TriageStep.Outcome after = step.onResult(opened.state(), Results.withoutValue(positive, "2", status, false), NOW.plusSeconds(20));
            assertThat(after.decision()).as(status + " without a value").isEmpty();
            assertThat(after.state().results().get("obs-1").quantity().value()).isEqualByComparingTo("0.45");
            assertThat(after.state().episode().tier()).isEqualTo(opened.state().episode().tier());
        }
        // Alone, it decides nothing either
        TriageStep.Outcome alone = step.onResult(null, Results.withoutValue(positive, "2", "final", false), NOW);
        assertThat(alone.decision()).isEmpty();
        assertThat(alone.contextRequest()).isEmpty();
        assertThat(alone.state().results()).isEmpty();
    }

    /** OBX-11 U after a preliminary positive makes its value final, and the episode opens. */
    @Test
    void aStatusChangeToFinalMakesThePreliminaryValueFinal() {
        var preliminary = Results.vgcc("Patient/1", "obs-1", "0.45", "preliminary");
        TriageStep.Outcome held = step.onResult(null, preliminary, NOW);
        assertThat(held.decision()).isEmpty();
        assertThat(held.contextRequest()).as("a preliminary result decides nothing").isEmpty();
        TriageStep.Outcome finalised = step.onResult(held.state(), Results.withoutValue(preliminary, "2", "final", true), NOW.plusSeconds(1));
        assertThat(finalised.state().results().get("obs-1").status()).isEqualTo("final");
        assertThat(finalised.state().results().get("obs-1").quantity().value()).isEqualByComparingTo("0.45");
        TriageStep.Outcome opened = step.onTimer(finalised.state(), NOW.plusSeconds(12));
        assertThat(opened.decision().orElseThrow().action()).isEqualTo(Action.OPEN);
        // A U that comes before any value has nothing to make final
        assertThat(step.onResult(null, Results.withoutValue(preliminary, "2", "final", true), NOW).state().results()).isEmpty();
    }
}
