package org.lemstriage.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Each JVM's heap as its collector left it and its collections so far, read with the JDK's {@code jstat -gc} (from
 * the JVM's performance counters; nothing is attached to it): heap after GC is the old generation and the survivors
 * in use (the serial collector empties eden at each collection), collections are young and full together.
 */
final class Jstat {
    private final Map<String, Long> pids;

    Jstat(Map<String, Long> pids) {
        this.pids = pids;
    }

    /** MiB in use after the last collection, by process (absent: jstat could not read it). */
    Map<String, Double> heapAfterGcMib() {
        Map<String, Double> heap = new LinkedHashMap<>();
        pids.forEach((name, pid) -> read(pid).ifPresent(gc -> heap.put(name, (gc.get("S0U") + gc.get("S1U") + gc.get("OU")) / 1024)));
        return heap;
    }

    /** Collections so far and the milliseconds they took, by process. */
    Map<String, long[]> collections() {
        Map<String, long[]> counts = new LinkedHashMap<>();
        pids.forEach((name, pid) -> read(pid).ifPresent(gc -> counts.put(name, new long[]{
                Math.round(gc.get("YGC") + gc.get("FGC")), Math.round((gc.get("YGCT") + gc.get("FGCT")) * 1000)})));
        return counts;
    }

    private static java.util.Optional<Map<String, Double>> read(long pid) {
        try {
            Process jstat = new ProcessBuilder("jstat", "-gc", Long.toString(pid)).redirectErrorStream(true).start();
            List<String> lines;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(jstat.getInputStream(), StandardCharsets.UTF_8))) {
                lines = out.lines().toList();
            }
            if (!jstat.waitFor(10, TimeUnit.SECONDS) || jstat.exitValue() != 0 || lines.size() < 2) {
                return java.util.Optional.empty();
            }
            String[] names = lines.get(0).trim().split("\\s+");
            String[] values = lines.get(1).trim().split("\\s+");
            Map<String, Double> gc = new LinkedHashMap<>();
            for (int i = 0; i < Math.min(names.length, values.length); i++) {
                gc.put(names[i], values[i].equals("-") ? 0.0 : Double.parseDouble(values[i]));
            }
            return gc.keySet().containsAll(Arrays.asList("S0U", "S1U", "OU", "YGC", "FGC", "YGCT", "FGCT"))
                    ? java.util.Optional.of(gc) : java.util.Optional.empty();
        } catch (Exception e) {
            return java.util.Optional.empty();
        }
    }
}
