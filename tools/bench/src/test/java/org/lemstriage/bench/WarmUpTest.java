package org.lemstriage.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class WarmUpTest {

    @Test
    void theRateHasSettledOnlyWhenTwoRoundsInARowAreWithinFivePercentOfTheRoundBefore() {
        assertThat(Benchmark.settled(List.of(1000.0, 1040.0))).isFalse();
        // One settled round is not enough: after 1,567 and 1,639 a second the rate was still rising, to 2,074
        assertThat(Benchmark.settled(List.of(1200.0, 1567.0, 1639.0))).isFalse();
        assertThat(Benchmark.settled(List.of(1567.0, 1639.0, 2074.0))).isFalse();
        assertThat(Benchmark.settled(List.of(1567.0, 1639.0, 1700.0))).isTrue();
        assertThat(Benchmark.settled(List.of(900.0, 2000.0, 2050.0, 1990.0))).isTrue();
        assertThat(Benchmark.settled(List.of(2000.0, 2000.0, 2110.0))).isFalse();
    }
}
