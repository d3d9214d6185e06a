package org.lemstriage.bench;

import com.fasterxml.jackson.databind.JsonNode;
import org.lemstriage.model.Topics;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One fault under load: patients made in the EHR, their positives posted at a steady rate by a sender that resends
 * what is not acknowledged (as an integration engine does), the fault injected a few seconds in, then every
 * acknowledged positive followed into the EHR, and the topics read back.
 */
final class FaultRun {
    /** How long a sender keeps resending one result, and how long the EHR is watched after the fault. */
    private static final Duration SENDER_GIVES_UP = Duration.ofMinutes(4);
    private static final Duration SETTLE = Duration.ofMinutes(5);
    private static final Duration FAULT_AT = Duration.ofSeconds(3);

    private final Stack stack;
    private final Ingest ingest;
    private final Ehr ehr;
    private final String kafka;
    private final Path fixtures;

    FaultRun(Stack stack, Ingest ingest, Ehr ehr, String kafka, Path fixtures) {
        this.stack = stack;
        this.ingest = ingest;
        this.ehr = ehr;
        this.kafka = kafka;
        this.fixtures = fixtures;
    }

    /** What one run counted. */
    record Outcome(String fault, int sent, int acknowledged, int lost, int duplicated, long deadLettered,
                   long answered, long auditEvents, long auditEventsMissing, long unavailableAnswers,
                   double recoverSeconds, double decisionStallSeconds, double writeStallSeconds, int decidedWithoutContext, int rewrites) {
        String summary() {
            return String.format(Locale.ROOT, "%s: sent %d, acknowledged %d, lost %d, duplicated %d, dead-lettered %d, "
                            + "answers %d with %d AuditEvents (%d missing), 503s %d, recovered %.1f s after the fault, "
                            + "longest pause in decisions %.1f s and in EHR writes %.1f s, %d first decisions without context, "
                            + "%d rewrites", fault, sent, acknowledged, lost, duplicated, deadLettered, answered, auditEvents,
                    auditEventsMissing, unavailableAnswers, recoverSeconds, decisionStallSeconds, writeStallSeconds,
                    decidedWithoutContext, rewrites);
        }
    }

    Outcome run(FaultSuite.Fault fault, int positives, int perSecond) throws Exception {
        String runId = Long.toString(System.currentTimeMillis(), 36);
        EndToEnd patientsMaker = new EndToEnd(ingest, ehr.base());
        SyntheticCohort cohort = new SyntheticCohort(fixtures, 20261127, 1, 0, 1);
        List<String> patients = new ArrayList<>();
        Map<String, String> bodies = new HashMap<>();
        for (int i = 0; i < positives; i++) {
            String id = "chaos-" + runId + "-" + i;
            patientsMaker.createPatient(id);
            patients.add("Patient/" + id);
            bodies.put("Patient/" + id, cohort.positive("Patient/" + id).json());
        }
        warmUp(patientsMaker, cohort, runId);
        try (TopicWindow topics = new TopicWindow(kafka, List.of(Topics.TRIAGE_AUDIT, Topics.TRIAGE_DECISION,
                Topics.LAB_OBSERVATION_DLQ, Topics.TRIAGE_DECISION_DLQ, Topics.CONTEXT_REQUEST_DLQ))) {
            Map<String, Long> acknowledgedAt = new ConcurrentHashMap<>();
            AtomicInteger answered = new AtomicInteger();
            AtomicInteger unavailable = new AtomicInteger();
            long t0 = System.nanoTime();
            ExecutorService senders = Executors.newFixedThreadPool(32);
            long faultEnd;
            try {
                List<Future<?>> sending = new ArrayList<>();
                for (int i = 0; i < patients.size(); i++) {
                    String patient = patients.get(i);
                    long due = t0 + (long) (i * 1e9 / perSecond);
                    sending.add(senders.submit(() -> {
                        sleepUntil(due);
                        send(patient, bodies.get(patient), acknowledgedAt, answered, unavailable);
                        return null;
                    }));
                }
                sleepUntil(t0 + FAULT_AT.toNanos());
                faultEnd = inject(fault);
                for (Future<?> f : sending) {
                    f.get();
                }
            } finally {
                senders.shutdownNow();
            }

            Map<String, Long> seenAt = followIntoEhr(acknowledgedAt.keySet());
            long recovered = acknowledgedAt.entrySet().stream().filter(e -> e.getValue() <= faultEnd)
                    .mapToLong(e -> seenAt.getOrDefault(e.getKey(), Long.MAX_VALUE)).max().orElse(faultEnd);
            Thread.sleep(5000); // a late duplicate would show now
            int lost = 0;
            int duplicated = 0;
            for (String patient : acknowledgedAt.keySet()) {
                Ehr.Screening screening = screeningWithin(patient, Duration.ofMinutes(1));
                lost += screening.episodes() == 0 ? 1 : 0;
                duplicated += screening.duplicated() ? 1 : 0;
            }

            List<TopicWindow.Entry> auditEntries = topics.read(Topics.TRIAGE_AUDIT);
            List<JsonNode> audit = auditEntries.stream().map(TopicWindow.Entry::value).toList();
            // The notifier writes one AuditEvent per EHR write: their times show when writing stood still
            // (the first as many as there are patients: the episodes' first writes, before any later rewrite)
            List<Long> writtenAt = auditEntries.stream().filter(e -> e.value().toString().contains("lems-triage-notifier"))
                    .map(TopicWindow.Entry::arrivedAt).sorted().limit(patients.size()).toList();
            // Ingest's AuditEvents of requests answered with a final answer (outcome 0: success, 4: minor failure, a 4xx)
            long audited = audit.stream().filter(a -> a.toString().contains("lems-triage-ingest"))
                    .filter(a -> Set.of("0", "4").contains(a.path("outcome").asText())).count();
            long deadLettered = topics.count(Topics.LAB_OBSERVATION_DLQ) + topics.count(Topics.TRIAGE_DECISION_DLQ)
                    + topics.count(Topics.CONTEXT_REQUEST_DLQ);
            Set<String> ours = new HashSet<>(patients);
            Map<String, List<JsonNode>> decisions = new HashMap<>();
            List<Long> decidedAt = new ArrayList<>();
            for (TopicWindow.Entry e : topics.read(Topics.TRIAGE_DECISION)) {
                JsonNode d = e.value();
                if (ours.contains(d.path("patientKey").asText())) {
                    if (!decisions.containsKey(d.path("patientKey").asText())) {
                        decidedAt.add(e.arrivedAt()); // first decisions only: a later UPDATE comes when its context does
                    }
                    decisions.computeIfAbsent(d.path("patientKey").asText(), k -> new ArrayList<>()).add(d);
                }
            }
            int withoutContext = (int) decisions.values().stream().filter(ds -> "UNAVAILABLE".equals(ds.get(0).path("context").asText())).count();
            int rewrites = decisions.values().stream().mapToInt(ds -> ds.size() - 1).sum();
            long finalAnswers = answered.get() - unavailable.get();
            return new Outcome(fault.name(), patients.size(), acknowledgedAt.size(), lost, duplicated, deadLettered,
                    finalAnswers, audited, Math.max(0, finalAnswers - audited), unavailable.get(),
                    recovered == Long.MAX_VALUE ? -1 : Math.max(0, recovered - faultEnd) / 1e9, longestGap(decidedAt) / 1e3,
                    longestGap(writtenAt) / 1e3, withoutContext, rewrites);
        }
    }

    /** When each acknowledged positive's episode was first seen in the EHR (System.nanoTime), watched for {@link #SETTLE}. */
    private Map<String, Long> followIntoEhr(Set<String> acknowledged) throws InterruptedException {
        Map<String, Long> seenAt = new HashMap<>();
        long deadline = System.nanoTime() + SETTLE.toNanos();
        while (seenAt.size() < acknowledged.size() && System.nanoTime() < deadline) {
            for (String patient : acknowledged) {
                if (!seenAt.containsKey(patient)) {
                    Ehr.Screening screening = screeningOrNull(patient);
                    if (screening != null && screening.episodes() > 0) {
                        seenAt.put(patient, System.nanoTime());
                    }
                }
            }
            Thread.sleep(2000); // every pass is two EHR searches per patient not yet seen: the EHR is the one under test
        }
        return seenAt;
    }

    /**
     * The longest time (ms) between two consecutive records, as they arrived: with positives arriving at 25/s, a gap
     * is that stage standing still (a crashed instance's partitions not yet taken over, the EHR away).
     */
    private static long longestGap(List<Long> timestamps) {
        List<Long> sorted = timestamps.stream().sorted().toList();
        long longest = 0;
        for (int i = 1; i < sorted.size(); i++) {
            longest = Math.max(longest, sorted.get(i) - sorted.get(i - 1));
        }
        return longest;
    }

    /** The fault, from its start to its end; returns the end (System.nanoTime) once the system is whole again. */
    private long inject(FaultSuite.Fault fault) throws Exception {
        switch (fault.kind()) {
            case KILL -> {
                stack.kill9(fault.target());
                Thread.sleep(fault.length().toMillis());
                stack.relaunch(fault.target());
            }
            case HANG -> {
                stack.pause("ehr");
                Thread.sleep(fault.length().toMillis());
                stack.resume("ehr");
            }
            case REFUSE -> {
                stack.ehrOutage(fault.length());
                Thread.sleep(fault.length().toMillis() + 500);
            }
            case SLOW -> {
                stack.ehrSlow(fault.delayMs(), fault.length());
                Thread.sleep(fault.length().toMillis());
            }
            case DISK_FULL -> {
                stack.brokerDisk("full");
                Thread.sleep(fault.length().toMillis());
                stack.brokerDisk("free");
                stack.relaunch("kafka"); // Kafka stops when its only log directory fails: the operator starts it again
            }
            case READ_ONLY -> {
                // Linux refuses to remount a file system read-only while a process writes to it: the broker goes
                // down, comes back to a read-only log directory (as after a host's file system came up read-only),
                // and is started again once the directory is writable
                stack.kill9("kafka");
                stack.brokerDisk("readonly");
                System.out.println(stack.tryRelaunch("kafka") ? "  kafka STARTED on a read-only log directory"
                        : "  kafka refused to start on a read-only log directory, as it should");
                Thread.sleep(fault.length().toMillis());
                stack.brokerDisk("writable");
                stack.relaunch("kafka");
            }
        }
        return System.nanoTime();
    }

    /** Posts until ingest acknowledges (2xx) or refuses for good (4xx), resending the same result after a 5xx or no answer. */
    private void send(String patient, String body, Map<String, Long> acknowledgedAt, AtomicInteger answered,
                      AtomicInteger unavailable) throws InterruptedException {
        long giveUp = System.nanoTime() + SENDER_GIVES_UP.toNanos();
        while (System.nanoTime() < giveUp) {
            int status;
            try {
                status = ingest.post("/fhir/Observation", body);
            } catch (Exception noAnswer) {
                // refused, reset or timed out: it may or may not have been accepted; resending the same is safe
                Thread.sleep(1000);
                continue;
            }
            answered.incrementAndGet();
            if (status / 100 == 2) {
                acknowledgedAt.put(patient, System.nanoTime());
                return;
            }
            if (status < 500) {
                return; // a final refusal: counted as sent, not acknowledged
            }
            unavailable.incrementAndGet();
            Thread.sleep(1000);
        }
    }

    /**
     * A few positives first, followed until their episodes are in the EHR: the fault then meets a pipeline that is
     * flowing (on a fresh stack the first decisions wait for consumer groups to form), as a hospital's would be.
     */
    private void warmUp(EndToEnd patientsMaker, SyntheticCohort cohort, String runId) throws Exception {
        for (int i = 0; i < 5; i++) {
            String patient = "Patient/chaos-" + runId + "-warm-" + i;
            patientsMaker.createPatient(patient.substring("Patient/".length()));
            send(patient, cohort.positive(patient).json(), new ConcurrentHashMap<>(), new AtomicInteger(), new AtomicInteger());
        }
        for (int i = 0; i < 5; i++) {
            String patient = "Patient/chaos-" + runId + "-warm-" + i;
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (screeningWithin(patient, Duration.ofMinutes(1)).episodes() == 0) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the warm-up positive of " + patient + " has no episode after 2 minutes");
                }
                Thread.sleep(500);
            }
        }
    }

    /** The patient's screening, asked again while the EHR does not answer; throws if it never does. */
    private Ehr.Screening screeningWithin(String patient, Duration patience) throws Exception {
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            try {
                return ehr.screening(patient);
            } catch (Exception e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the EHR did not answer for " + patient + " within " + patience, e);
                }
                Thread.sleep(2000);
            }
        }
    }

    private Ehr.Screening screeningOrNull(String patient) {
        try {
            return ehr.screening(patient);
        } catch (Exception e) {
            return null; // the EHR may be the fault: asked again on the next pass
        }
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long wait = nanoTime - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }
}
