package org.lemstriage.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Resident memory of the services' processes (Linux /proc), now and at its highest while sampling. */
final class ProcessMemory implements AutoCloseable {
    private final Map<String, Long> pids;
    private final Map<String, Double> peakMib = new java.util.concurrent.ConcurrentHashMap<>();
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "rss-sampler");
        t.setDaemon(true);
        return t;
    });

    ProcessMemory(Map<String, Long> pids) {
        this.pids = pids;
    }

    static double rssMib(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("process " + pid + " is gone", e);
        }
        throw new IllegalStateException("no VmRSS for process " + pid);
    }

    Map<String, Double> now() {
        Map<String, Double> now = new LinkedHashMap<>();
        pids.forEach((name, pid) -> now.put(name, rssMib(pid)));
        return now;
    }

    /** Starts sampling every 200 ms; {@link #peak()} is the highest seen since. */
    ProcessMemory sample() {
        sampler.scheduleAtFixedRate(() -> now().forEach((name, mib) -> peakMib.merge(name, mib, Math::max)), 0, 200, TimeUnit.MILLISECONDS);
        return this;
    }

    Map<String, Double> peak() {
        return new LinkedHashMap<>(peakMib);
    }

    @Override
    public void close() {
        sampler.shutdownNow();
    }
}
