package org.lemstriage.bench;

import org.lemstriage.model.event.EventJson;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The fault suite: positives flow into a running stack while one fault is injected as an operator would
 * meet it (a component killed with SIGKILL and relaunched, the broker killed, the EHR hung, refusing connections, or
 * slow, the broker's disk full or its log directory read-only), and each run counts what a hospital cares about:
 * sent, acknowledged, lost, duplicated, on a dead-letter topic, AuditEvents missing, and the time from the fault's
 * end until every result acknowledged by then was in the EHR. Prints a table and writes the figures as JSON; exits 1 if anything acknowledged was lost or duplicated, or an
 * answered request has no AuditEvent. Run by {@code deploy/local/stack chaos [--quick|--full]}.
 */
public final class FaultSuite {
    /** The quick plan runs in .ci/run; the full one: 300 positives at 25/s per fault. */
    enum Plan {
        QUICK(60, 20, List.of(Fault.kill("classifier", 5), Fault.kill("notifier", 5), Fault.ehrRefusing(15))),
        FULL(300, 25, List.of(Fault.kill("kafka", 10), Fault.kill("classifier", 5), Fault.kill("notifier", 5),
                Fault.kill("ingest", 5), Fault.ehrHung(60), Fault.ehrRefusing(60), Fault.ehrSlow(2000, 60),
                Fault.brokerDiskFull(20), Fault.brokerLogDirReadOnly(20)));

        final int positives;
        final int perSecond;
        final List<Fault> faults;

        Plan(int positives, int perSecond, List<Fault> faults) {
            this.positives = positives;
            this.perSecond = perSecond;
            this.faults = faults;
        }
    }

    /** Kafka's client logs every setting at INFO, and every failed connection while the broker is the fault at WARN. */
    private static final java.util.logging.Logger KAFKA_LOG = java.util.logging.Logger.getLogger("org.apache.kafka");

    private FaultSuite() {
    }

    public static void main(String[] args) {
        try {
            System.exit(run(args));
        } catch (Exception e) {
            // A fault that could not be injected: the run is over, whatever threads its senders left waiting
            e.printStackTrace();
            System.exit(2);
        }
    }

    private static int run(String[] args) throws Exception {
        KAFKA_LOG.setLevel(java.util.logging.Level.SEVERE);
        Map<String, String> opts = new LinkedHashMap<>();
        Plan plan = Plan.QUICK;
        String only = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> plan = Plan.QUICK;
                case "--full" -> plan = Plan.FULL;
                case "--only" -> only = args[++i];
                default -> opts.put(args[i].substring(2), args[++i]);
            }
        }
        Stack stack = Stack.fromEnvironment();
        Ingest ingest = new Ingest(stack.ingest(), stack.senderToken());
        Ehr ehr = new Ehr(stack.ehr());
        List<FaultRun.Outcome> outcomes = new ArrayList<>();
        for (Fault fault : plan.faults) {
            if (only != null && !fault.name().equals(only)) {
                continue;
            }
            if (fault.needsDiskControl() && !stack.canControlBrokerDisk()) {
                System.out.printf("%n--- %s: skipped, the broker's log directory is not a tmpfs this user can fill "
                        + "(run as root) ---%n", fault.name());
                continue;
            }
            if (!outcomes.isEmpty()) {
                stack.fresh(); // the EHR sandbox keeps everything in memory: a fuller one is a slower one
            }
            System.out.printf("%n--- %s: %d positives at %d/s ---%n", fault.name(), plan.positives, plan.perSecond);
            FaultRun.Outcome outcome = new FaultRun(stack, ingest, ehr, stack.kafka(), Path.of(opts.get("fixtures")))
                    .run(fault, plan.positives, plan.perSecond);
            System.out.println(outcome.summary());
            outcomes.add(outcome);
        }
        System.out.print(table(plan, outcomes));
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("plan", plan.name());
        results.put("cores", Runtime.getRuntime().availableProcessors());
        results.put("runs", outcomes);
        Path out = Path.of(opts.get("out"));
        Files.createDirectories(out.getParent());
        EventJson.mapper().writerWithDefaultPrettyPrinter().writeValue(out.toFile(), results);
        System.out.println("figures written to " + out);
        boolean broken = outcomes.stream().anyMatch(o -> o.lost() > 0 || o.duplicated() > 0 || o.auditEventsMissing() > 0
                || o.acknowledged() < o.sent());
        return broken ? 1 : 0;
    }

    static String table(Plan plan, List<FaultRun.Outcome> outcomes) {
        StringBuilder t = new StringBuilder(String.format(Locale.ROOT,
                "%n=== lems-triage fault suite (%s: %d positives at %d/s per fault, %d cores) ===%n",
                plan.name().toLowerCase(Locale.ROOT), plan.positives, plan.perSecond, Runtime.getRuntime().availableProcessors()));
        String format = "%-30s %5s %6s %5s %6s %4s %10s %6s %10s %12s %10s%n";
        t.append(String.format(Locale.ROOT, format, "fault", "sent", "acked", "lost", "dupl.", "DLQ", "audit miss",
                "503s", "recover s", "pause d/w s", "no context"));
        for (FaultRun.Outcome o : outcomes) {
            t.append(String.format(Locale.ROOT, format, o.fault(), o.sent(), o.acknowledged(), o.lost(), o.duplicated(),
                    o.deadLettered(), o.auditEventsMissing(), o.unavailableAnswers(),
                    String.format(Locale.ROOT, "%.1f", o.recoverSeconds()),
                    String.format(Locale.ROOT, "%.1f / %.1f", o.decisionStallSeconds(), o.writeStallSeconds()),
                    o.decidedWithoutContext()));
        }
        t.append("recover s: from the fault's end (component ready again, EHR answering) until every positive acknowledged "
                + "by then had its screening episode in the EHR (the backlog drained).\npause d/w s: the longest time between two "
                + "decisions (classifier) / two EHR writes (notifier) of the run. no context: first decisions made without the EHR's context (the context is asked "
                + "for again with back-off; an UPDATE follows if it changes the decision).\n");
        return t.toString();
    }

    /**
     * What is done to the component: killed and relaunched, hung, refusing connections, slow; or the broker's log
     * directory full or read-only, then given back and the broker started again (as an operator would).
     */
    enum Kind { KILL, HANG, REFUSE, SLOW, DISK_FULL, READ_ONLY }

    /** One fault: what is done, to what, and for how long. */
    record Fault(String name, Kind kind, String target, Duration length, int delayMs) {
        static Fault kill(String target, int relaunchAfterSeconds) {
            return new Fault("kill -9 " + target + " (" + relaunchAfterSeconds + " s)", Kind.KILL, target,
                    Duration.ofSeconds(relaunchAfterSeconds), 0);
        }

        static Fault ehrHung(int seconds) {
            return new Fault("EHR hung (" + seconds + " s)", Kind.HANG, "ehr", Duration.ofSeconds(seconds), 0);
        }

        static Fault ehrRefusing(int seconds) {
            return new Fault("EHR refusing (" + seconds + " s)", Kind.REFUSE, "ehr", Duration.ofSeconds(seconds), 0);
        }

        static Fault brokerDiskFull(int seconds) {
            return new Fault("broker disk full (" + seconds + " s)", Kind.DISK_FULL, "kafka", Duration.ofSeconds(seconds), 0);
        }

        static Fault brokerLogDirReadOnly(int seconds) {
            return new Fault("broker restart, dir ro (" + seconds + " s)", Kind.READ_ONLY, "kafka", Duration.ofSeconds(seconds), 0);
        }

        /** Needs the broker's log directory on a tmpfs this user can fill and remount (root). */
        boolean needsDiskControl() {
            return kind == Kind.DISK_FULL || kind == Kind.READ_ONLY;
        }

        static Fault ehrSlow(int delayMs, int seconds) {
            return new Fault("EHR slow " + delayMs / 1000 + " s/call (" + seconds + " s)", Kind.SLOW, "ehr",
                    Duration.ofSeconds(seconds), delayMs);
        }
    }
}
