package org.lemstriage.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU time (user + system) that processes have used, from Linux's /proc: absolute rates are noisy on a shared
 * machine, the CPU a phase cost each process is much less so.
 */
final class ProcessCpu {
    /** The benchmark's own process, the load generator, under this name. */
    static final String LOAD_GENERATOR = "load-generator";
    /** /proc counts in clock ticks; 100 a second on every Linux this runs on (USER_HZ, fixed by the kernel's ABI). */
    private static final double MS_PER_TICK = 1000.0 / 100;

    private final Map<String, Long> pids = new LinkedHashMap<>();

    ProcessCpu(Map<String, Long> processes) {
        pids.putAll(processes);
        pids.put(LOAD_GENERATOR, ProcessHandle.current().pid());
    }

    /** CPU time used so far by each process, in milliseconds. */
    Map<String, Double> usedMs() {
        Map<String, Double> used = new LinkedHashMap<>();
        pids.forEach((name, pid) -> used.put(name, usedMs(pid)));
        return used;
    }

    /** From now: {@link Window#per1000(double)} is what each process used per 1,000 observations since. */
    Window start() {
        return new Window(usedMs());
    }

    final class Window {
        private final Map<String, Double> before;

        private Window(Map<String, Double> before) {
            this.before = before;
        }

        /** CPU milliseconds each process used since the window opened, per 1,000 of {@code observations}. */
        Map<String, Double> per1000(double observations) {
            Map<String, Double> per = new LinkedHashMap<>();
            usedMs().forEach((name, ms) -> per.put(name, Benchmark.round((ms - before.get(name)) / observations * 1000)));
            return per;
        }
    }

    /** utime and stime, fields 14 and 15 of /proc/PID/stat (counted after the command name, which may hold spaces). */
    static double usedMs(long pid) {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        } catch (IOException e) {
            throw new IllegalStateException("process " + pid + " is gone", e);
        }
        return usedMsOf(stat);
    }

    static double usedMsOf(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        // After "pid (comm) ": state is field 3, so utime (14) and stime (15) are at 11 and 12 here
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * MS_PER_TICK;
    }
}
