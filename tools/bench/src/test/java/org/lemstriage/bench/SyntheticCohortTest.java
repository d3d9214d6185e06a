package org.lemstriage.bench;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SyntheticCohortTest {
    /** The repository's own routine lab results (tools/bench is two folders below the root). */
    private static final Path FIXTURES = Path.of("../../testing/fixtures/routine-labs");

    @Test
    void theSameSeedGivesTheSameCohortAndAnotherSeedDoesNot() {
        List<SyntheticCohort.Result> a = new SyntheticCohort(FIXTURES, 42, 100, 0.05, 0.5).next(500);
        List<SyntheticCohort.Result> b = new SyntheticCohort(FIXTURES, 42, 100, 0.05, 0.5).next(500);
        List<SyntheticCohort.Result> c = new SyntheticCohort(FIXTURES, 43, 100, 0.05, 0.5).next(500);
        assertThat(a).isEqualTo(b);
        assertThat(a).isNotEqualTo(c);
    }

    @Test
    void positivesAreAboveTheCutoffAndNegativesAtOrBelowIt() {
        SyntheticCohort cohort = new SyntheticCohort(FIXTURES, 3, 100, 1.0, 0.5);
        // Mayo CCPQ: P/Q-type VGCC positive above 0.02 nmol/L (docs/clinical-ruleset-3.md)
        for (SyntheticCohort.Result r : cohort.next(400)) {
            java.math.BigDecimal value = new java.math.BigDecimal(r.json().replaceAll(".*\"value\":([0-9.]+).*", "$1"));
            assertThat(value.compareTo(new java.math.BigDecimal("0.02")) > 0).as(r.json()).isEqualTo(r.positive());
        }
        assertThat(new java.math.BigDecimal(cohort.positive("Patient/x").json().replaceAll(".*\"value\":([0-9.]+).*", "$1")))
                .isGreaterThan(new java.math.BigDecimal("0.02"));
    }

    @Test
    void mostAreRoutineLabsAndTheTrackedRateHolds() {
        List<SyntheticCohort.Result> cohort = new SyntheticCohort(FIXTURES, 7, 1000, 0.05, 0.5).next(4000);
        long tracked = cohort.stream().filter(SyntheticCohort.Result::tracked).count();
        long positive = cohort.stream().filter(SyntheticCohort.Result::positive).count();
        assertThat(tracked).isBetween(140L, 260L);
        assertThat(positive).isBetween(tracked / 3, tracked * 2 / 3);
        assertThat(cohort.stream().filter(r -> !r.tracked())).allSatisfy(r -> assertThat(r.json()).contains("http://loinc.org"));
    }
}
