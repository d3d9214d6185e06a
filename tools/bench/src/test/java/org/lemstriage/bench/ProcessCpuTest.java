package org.lemstriage.bench;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ProcessCpuTest {
    @Test
    void userAndSystemTicksAreReadAfterACommandNameWithSpacesAndParentheses() {
        // utime 250 and stime 50 ticks: 3,000 ms at 100 ticks a second
        String stat = "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 9 0 0 0 250 50 0 0 20 0 30 0 100 0 0";
        assertThat(ProcessCpu.usedMsOf(stat)).isEqualTo(3000.0);
    }

    @Test
    void aWindowCountsWhatThisProcessUsedPerThousandObservations() {
        ProcessCpu cpu = new ProcessCpu(Map.of());
        ProcessCpu.Window window = cpu.start();
        long until = System.nanoTime() + 300_000_000L;
        double spin = 0;
        while (System.nanoTime() < until) {
            spin += Math.sqrt(spin + 1); // busy for 0.3 s of CPU
        }
        Map<String, Double> per1000 = window.per1000(1000);
        assertThat(spin).isPositive();
        assertThat(per1000).containsOnlyKeys(ProcessCpu.LOAD_GENERATOR);
        assertThat(per1000.get(ProcessCpu.LOAD_GENERATOR)).isBetween(200.0, 5_000.0);
    }
}
