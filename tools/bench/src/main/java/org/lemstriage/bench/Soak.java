package org.lemstriage.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.HdrHistogram.Histogram;
import org.lemstriage.model.Topics;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * An hour, not minutes: the cohort's mix at a fixed rate (200 observations a second, 2 % of them positive antibody
 * results) against the running local stack. Every minute: each process's RSS, its heap as the collector left it and
 * its collections in that minute (jstat), the pipeline's consumer lag, the rate achieved. Every 5 minutes: the
 * end-to-end p99 of probes (a new patient's positive every 2 s, from ingest's 2xx to its Task readable in the EHR). At
 * the end, once the pipeline has caught up: every patient with an acknowledged positive has exactly one episode
 * (0 lost, 0 duplicated, as the fault suite checks), and every acknowledged tracked result was published once.
 * Writes {@code soak.json} and {@code soak.svg} (RSS and p99 over time). Started by {@code deploy/local/stack soak}.
 * <pre>
 * --minutes N --rate R --fixtures DIR --out DIR [--seed N] --process NAME=PID (once per process)
 * </pre>
 */
public final class Soak {
    static final int PROBE_EVERY_MS = 2_000;
    static final int WINDOW_MINUTES = 5;
    /** Kafka's client logs every setting at INFO; held here so the level sticks. */
    private static final java.util.logging.Logger KAFKA_LOG = java.util.logging.Logger.getLogger("org.apache.kafka");

    private Soak() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new LinkedHashMap<>();
        Map<String, Long> processes = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--process")) {
                String[] nameRest = args[++i].split("=", 2);
                processes.put(nameRest[0], Long.parseLong(nameRest[1]));
            } else {
                opts.put(args[i].substring(2), args[++i]);
            }
        }
        KAFKA_LOG.setLevel(java.util.logging.Level.WARNING);
        int minutes = Integer.parseInt(opts.getOrDefault("minutes", "60"));
        int warmUpMinutes = Integer.parseInt(opts.getOrDefault("warm-up-minutes", "3"));
        int rate = Integer.parseInt(opts.getOrDefault("rate", "200"));
        Path out = Path.of(opts.getOrDefault("out", "target/soak"));
        Stack stack = Stack.fromEnvironment();
        String kafka = stack.kafka();
        Ingest ingest = new Ingest(List.of(stack.ingest()), renewedEvery(Duration.ofMinutes(20), stack::senderToken));
        EndToEnd endToEnd = new EndToEnd(ingest, stack.ehr());
        // 2 % positives: a tracked share of 2/30 with the cohort's 30 % of those positive
        SyntheticCohort cohort = new SyntheticCohort(Path.of(opts.get("fixtures")), Long.parseLong(opts.getOrDefault("seed", "20261206")),
                Benchmark.COHORT_PATIENTS, 0.02 / 0.3, 0.3);
        List<SyntheticCohort.Result> mix = cohort.next(60_000);
        for (int p = 0; p < Benchmark.COHORT_PATIENTS; p++) {
            endToEnd.createPatient("bench-" + p);
        }
        System.out.printf(Locale.ROOT, "soak: %d minutes at %d observations a second, 2 %% positive; a probe every %d ms;"
                + " first %d minutes of the same load to warm up, not recorded%n", minutes, rate, PROBE_EVERY_MS, warmUpMinutes);
        if (warmUpMinutes > 0) {
            // Freshly started JVMs compile for minutes on the same cores as the load: their climb is not the hour's slope
            ClosedLoop.Run warm = ingest.run(4, Duration.ofMinutes(warmUpMinutes), "/fhir/Observation",
                    mix.subList(0, 20_000).stream().map(SyntheticCohort.Result::json).toList());
            System.out.printf(Locale.ROOT, "  warmed up: %.0f obs/s from 4 clients%n", warm.perSecond());
            Backlog.drain(kafka, Duration.ofMinutes(10));
        }

        TopicWindow published = new TopicWindow(kafka, List.of(Topics.LAB_OBSERVATION));
        Set<String> positivePatients = ConcurrentHashMap.newKeySet();
        AtomicLong trackedAccepted = new AtomicLong();
        AtomicLong sent = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        AtomicLong skipped = new AtomicLong();
        AtomicInteger next = new AtomicInteger();
        Semaphore inFlight = new Semaphore(64);
        ScheduledExecutorService load = Executors.newScheduledThreadPool(2);
        double[] credit = {0}; // a rate that is not a multiple of 100 sends its fraction on later ticks
        load.scheduleAtFixedRate(() -> {
            credit[0] += rate / 100.0;
            int now = (int) credit[0];
            credit[0] -= now;
            for (int k = 0; k < now; k++) {
                if (!inFlight.tryAcquire()) {
                    skipped.incrementAndGet(); // ingest is behind: counted, not piled up
                    continue;
                }
                SyntheticCohort.Result result = mix.get(Math.floorMod(next.getAndIncrement(), mix.size()));
                ingest.postAsync("/fhir/Observation", result.json()).whenComplete((status, e) -> {
                    inFlight.release();
                    sent.incrementAndGet();
                    if (e != null || status / 100 != 2) {
                        refused.incrementAndGet();
                    } else if (result.tracked()) {
                        trackedAccepted.incrementAndGet();
                        if (result.positive()) {
                            positivePatients.add(result.patient());
                        }
                    }
                });
            }
        }, 0, 10, TimeUnit.MILLISECONDS);

        List<Map<String, Object>> perMinute = new ArrayList<>();
        List<Map<String, Object>> perWindow = new ArrayList<>();
        Histogram window = new Histogram(3);
        Histogram all = new Histogram(3);
        List<String> probes = new ArrayList<>();
        int probeTimeouts = 0;
        String failure = null;
        String run = Long.toString(System.currentTimeMillis(), 36);
        Jstat jstat = new Jstat(processes);
        Map<String, long[]> gcBefore = jstat.collections();
        long t0 = System.nanoTime();
        long nextMinute = t0 + TimeUnit.MINUTES.toNanos(1);
        long sentBefore = 0;
        long minuteStart = t0;
        try {
            while (perMinute.size() < minutes) {
                long probeStart = System.nanoTime();
                String patient = "soak-" + run + "-" + probeStart;
                endToEnd.createPatient(patient);
                int status = ingest.post("/fhir/Observation", cohort.positive("Patient/" + patient).json());
                if (status / 100 == 2) {
                    probes.add("Patient/" + patient);
                    long accepted = System.nanoTime();
                    try {
                        endToEnd.awaitTask("Patient/" + patient, Duration.ofSeconds(60), 10);
                        long us = (System.nanoTime() - accepted) / 1000;
                        window.recordValue(us);
                        all.recordValue(us);
                    } catch (IllegalStateException late) {
                        probeTimeouts++; // its Task may still come: the check at the end tells lost from late
                    }
                } else {
                    refused.incrementAndGet();
                }
                if (System.nanoTime() >= nextMinute) {
                    int minute = perMinute.size() + 1;
                    long sentNow = sent.get();
                    Map<String, long[]> gcNow = jstat.collections();
                    double seconds = (System.nanoTime() - minuteStart) / 1e9;
                    minuteStart = System.nanoTime();
                    perMinute.add(minute(minute, processes, jstat, gcBefore, gcNow, Backlog.records(kafka), (sentNow - sentBefore) / seconds));
                    gcBefore = gcNow;
                    sentBefore = sentNow;
                    if (minute % WINDOW_MINUTES == 0) {
                        perWindow.add(Map.of("minutes", minute, "e2e_ms", Benchmark.percentilesMs(window)));
                        System.out.printf(Locale.ROOT, "  minute %d: end to end p99 %.1f ms over the last %d minutes (%d probes)%n",
                                minute, window.getValueAtPercentile(99) / 1000.0, WINDOW_MINUTES, window.getTotalCount());
                        window.reset();
                    }
                    nextMinute += TimeUnit.MINUTES.toNanos(1);
                }
                Thread.sleep(Math.max(0, PROBE_EVERY_MS - (System.nanoTime() - probeStart) / 1_000_000));
            }
        } catch (Exception e) {
            failure = "the run stopped after " + perMinute.size() + " minutes: " + e; // what it measured so far is kept
        } finally {
            load.shutdown();
            load.awaitTermination(30, TimeUnit.SECONDS);
        }
        while (inFlight.availablePermits() < 64) {
            Thread.sleep(100); // the last answers
        }
        System.out.println("  the pipeline catching up");
        double drain = -1;
        try {
            drain = Backlog.drain(kafka, Duration.ofMinutes(10));
        } catch (IllegalStateException behind) {
            failure = failure == null ? behind.getMessage() : failure;
        }
        Thread.sleep(5000); // a late duplicate would show now
        Ehr ehr = new Ehr(stack.ehr());
        List<String> checked = new ArrayList<>(positivePatients);
        checked.addAll(probes);
        int lost = 0;
        int duplicated = 0;
        for (String patient : checked) {
            Ehr.Screening screening = ehr.screening(patient);
            lost += screening.episodes() == 0 ? 1 : 0;
            duplicated += screening.duplicated() ? 1 : 0;
        }
        long publishedCount = published.count(Topics.LAB_OBSERVATION) - probes.size(); // each accepted probe is published too
        published.close();

        Map<String, Object> result = new LinkedHashMap<>();
        result.put("minutes", minutes);
        result.put("failure", failure);
        result.put("probe_timeouts_60s", probeTimeouts);
        result.put("rate_obs_per_s", rate);
        result.put("sent", sent.get());
        result.put("refused", refused.get());
        result.put("not_sent_ingest_behind", skipped.get());
        result.put("tracked_accepted", trackedAccepted.get());
        result.put("tracked_published", publishedCount);
        result.put("patients_with_positives_checked", checked.size());
        result.put("lost", lost);
        result.put("duplicated", duplicated);
        result.put("drain_s", Benchmark.round(drain));
        result.put("e2e_ms", Benchmark.percentilesMs(all));
        result.put("per_5_minutes", perWindow);
        result.put("per_minute", perMinute);
        result.put("rss_slope_mib_per_hour", slopes(perMinute, processes.keySet(), "rss_mib"));
        result.put("heap_slope_mib_per_hour", slopes(perMinute, processes.keySet(), "heap_after_gc_mib"));
        Files.createDirectories(out);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.resolve("soak.json").toFile(), result);
        Files.writeString(out.resolve("soak.svg"), SoakChart.svg(perMinute, perWindow, processes.keySet()));
        boolean ok = failure == null && lost == 0 && duplicated == 0 && refused.get() == 0 && skipped.get() == 0
                && publishedCount == trackedAccepted.get();
        if (failure != null) {
            System.out.println("soak: " + failure);
        }
        System.out.printf(Locale.ROOT, "%nsoak: %d sent, %d refused, %d not sent (ingest behind); tracked %d accepted, %d published;"
                        + " %d patients with positives: %d lost, %d duplicated; end to end p99 %.1f ms%n"
                        + "RSS slope (MiB an hour): %s%nheap after GC slope (MiB an hour): %s%nwritten: %s%n%s%n",
                sent.get(), refused.get(), skipped.get(), trackedAccepted.get(), publishedCount, checked.size(), lost, duplicated,
                all.getValueAtPercentile(99) / 1000.0, result.get("rss_slope_mib_per_hour"), result.get("heap_slope_mib_per_hour"),
                out.resolve("soak.json"), ok ? "soak: ok" : "soak: NOT OK");
        System.exit(ok ? 0 : 1);
    }

    /** One minute's figures: each process's RSS, heap after GC and collections, the lag, the rate achieved. */
    private static Map<String, Object> minute(int minute, Map<String, Long> processes, Jstat jstat, Map<String, long[]> gcBefore,
                                              Map<String, long[]> gcNow, long lag, double rate) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("minute", minute);
        m.put("obs_per_s", Benchmark.round(rate));
        m.put("consumer_lag_records", lag);
        Map<String, Double> heap = jstat.heapAfterGcMib();
        Map<String, Object> each = new LinkedHashMap<>();
        processes.forEach((name, pid) -> {
            long[] before = gcBefore.getOrDefault(name, new long[2]);
            long[] now = gcNow.getOrDefault(name, new long[2]);
            each.put(name, Map.of("rss_mib", Benchmark.round(ProcessMemory.rssMib(pid)),
                    "heap_after_gc_mib", Benchmark.round(heap.getOrDefault(name, 0.0)),
                    "gc_count", now[0] - before[0], "gc_ms", now[1] - before[1]));
        });
        m.put("processes", each);
        System.out.printf(Locale.ROOT, "  minute %d: %.0f obs/s, lag %d; %s%n", minute, rate, lag, each);
        return m;
    }

    /** Least-squares slope of a per-process figure over the minutes, per hour. */
    @SuppressWarnings("unchecked")
    static Map<String, Double> slopes(List<Map<String, Object>> perMinute, Set<String> names, String figure) {
        Map<String, Double> slopes = new LinkedHashMap<>();
        for (String name : names) {
            double n = 0;
            double sx = 0;
            double sy = 0;
            double sxy = 0;
            double sxx = 0;
            for (Map<String, Object> m : perMinute) {
                double x = ((Number) m.get("minute")).doubleValue();
                double y = ((Number) ((Map<String, Map<String, Object>>) m.get("processes")).get(name).get(figure)).doubleValue();
                n++;
                sx += x;
                sy += y;
                sxy += x * y;
                sxx += x * x;
            }
            double denominator = n * sxx - sx * sx;
            slopes.put(name, n < 2 || denominator == 0 ? 0.0 : Benchmark.round((n * sxy - sx * sy) / denominator * 60));
        }
        return slopes;
    }

    /**
     * The stack's sender tokens last an hour, and a soak outlasts one (its first run was refused 401 from minute 58): it
     * renews its token as a sender's OAuth client would.
     */
    static Supplier<String> renewedEvery(Duration every, Supplier<String> sign) {
        AtomicReference<String> token = new AtomicReference<>(sign.get());
        AtomicLong signedAt = new AtomicLong(System.nanoTime());
        return () -> {
            long now = System.nanoTime();
            if (now - signedAt.get() > every.toNanos()) {
                signedAt.set(now);
                token.set(sign.get());
            }
            return token.get();
        };
    }
}
