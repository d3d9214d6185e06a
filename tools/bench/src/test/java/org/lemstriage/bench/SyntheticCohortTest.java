package org.lemstriage.bench;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SyntheticCohortTest {
    private static final Path FIXTURES = Path.of(System.getProperty("lemstriage.shared", "../../../shared"), "fixtures/us-core");

    @Test
    void theSameSeedGivesTheSameCohortAndAnotherSeedDoesNot() {
        List<SyntheticCohort.Result> a = new SyntheticCohort(FIXTURES, 42, 100, 0.05, 0.5).next(500);
        List<SyntheticCohort.Result> b = new SyntheticCohort(FIXTURES, 42, 100, 0.05, 0.5).next(500);
        List<SyntheticCohort.Result> c = new SyntheticCohort(FIXTURES, 43, 100, 0.05, 0.5).next(500);
        assertThat(a).isEqualTo(b);
        assertThat(a).isNotEqualTo(c);
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
