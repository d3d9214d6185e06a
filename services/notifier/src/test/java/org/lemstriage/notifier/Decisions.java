package org.lemstriage.notifier;

import org.lemstriage.model.event.ClinicianRequest;
import org.lemstriage.model.event.DeltaPItem;
import org.lemstriage.model.event.LabResult;
import org.lemstriage.model.event.TriageDecision;
import org.lemstriage.model.event.TriageDecision.Action;
import org.lemstriage.model.event.TriageDecision.ScreeningRound;
import org.lemstriage.model.event.TriageDecision.Tier;
import org.lemstriage.model.terminology.Analyte;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.lemstriage.model.Topics;
import org.lemstriage.model.serde.TriageDecisionSerde;
import org.lemstriage.testsupport.KafkaBroker;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/** Decisions as the classifier publishes them, for tests. */
public final class Decisions {
    private Decisions() {
    }

    public static TriageDecision decision(String episodeId, int version, String patient, Action action, Tier tier, int rounds) {
        return decision(episodeId, version, patient, action, tier, rounds, TriageDecision.EpisodeKind.SCREENING);
    }

    /** A clinician-review episode's decision (an old positive result): no rounds. */
    public static TriageDecision review(String episodeId, int version, String patient, Action action) {
        return decision(episodeId, version, patient, action, action == Action.RETRACT ? Tier.NONE : Tier.HIGH, 0,
                TriageDecision.EpisodeKind.CLINICIAN_REVIEW);
    }

    private static TriageDecision decision(String episodeId, int version, String patient, Action action, Tier tier, int rounds,
                                           TriageDecision.EpisodeKind kind) {
        LocalDate start = LocalDate.parse("2026-11-02");
        List<ScreeningRound> plan = java.util.stream.IntStream.rangeClosed(1, rounds)
                .mapToObj(i -> new ScreeningRound(i, "CT thorax", start.plusMonths(6L * (i - 1)), start.plusMonths(6L * (i - 1)).plusDays(30),
                        i == 1 ? TriageDecision.RoundState.DUE : TriageDecision.RoundState.PLANNED))
                .toList();
        return new TriageDecision(episodeId + "/" + version, episodeId, version, patient, action, tier,
                List.of(new TriageDecision.Evidence("Observation/obs-1", Analyte.VGCC_PQ, "final", new BigDecimal("0.45"),
                        "nmol/L", null, LabResult.Qualitative.POSITIVE)),
                List.of("VGCC-PQ-DELTA-P-INTERMEDIATE@1"), "test", "P/Q-type VGCC antibody positive (test).", plan,
                Instant.parse("2026-11-03T10:00:00Z"), TriageDecision.ContextStatus.UNAVAILABLE,
                java.util.Arrays.stream(DeltaPItem.Item.values())
                        .map(i -> new DeltaPItem(i, DeltaPItem.Presence.UNKNOWN, null, "test")).toList(), 0, kind, null);
    }

    /** The same decision at another version, with its rounds in these states (released, overdue). */
    public static TriageDecision progressed(TriageDecision d, int version, TriageDecision.RoundState... states) {
        List<ScreeningRound> plan = java.util.stream.IntStream.range(0, d.plan().size())
                .mapToObj(i -> d.plan().get(i).withState(states[i])).toList();
        return new TriageDecision(d.episodeId() + "/" + version, d.episodeId(), version, d.patientKey(), Action.UPDATE, d.tier(),
                d.evidence(), d.rulesFired(), d.rulesetVersion(), d.explanation(), plan, d.decidedAt(), d.context(), d.deltaP(),
                d.deltaPScore(), d.kind(), null);
    }

    /** The same decision at another version, with the FDG-PET of these rounds ordered (their CT was negative). */
    public static TriageDecision petOrdered(TriageDecision d, int version, int... rounds) {
        java.util.Set<Integer> pet = java.util.Arrays.stream(rounds).boxed().collect(java.util.stream.Collectors.toSet());
        List<ScreeningRound> plan = d.plan().stream().map(r -> pet.contains(r.round()) ? r.withPetOrdered() : r).toList();
        return new TriageDecision(d.episodeId() + "/" + version, d.episodeId(), version, d.patientKey(), Action.UPDATE, d.tier(),
                d.evidence(), d.rulesFired(), d.rulesetVersion(), d.explanation(), plan, d.decidedAt(), d.context(), d.deltaP(),
                d.deltaPScore(), d.kind(), null);
    }

    /** The same decision, its result asked for by {@code orderedBy} (ServiceRequest, Practitioner references). */
    public static TriageDecision orderedBy(TriageDecision d, String... orderedBy) {
        List<TriageDecision.Evidence> evidence = d.evidence().stream().map(e -> new TriageDecision.Evidence(e.observationReference(),
                e.analyte(), e.status(), e.value(), e.unit(), e.comparator(), e.result(), List.of(orderedBy))).toList();
        return new TriageDecision(d.decisionId(), d.episodeId(), d.version(), d.patientKey(), d.action(), d.tier(), evidence,
                d.rulesFired(), d.rulesetVersion(), d.explanation(), d.plan(), d.decidedAt(), d.context(), d.deltaP(),
                d.deltaPScore(), d.kind(), d.closure());
    }

    /** The episode ends: a tumour recorded ({@code condition}), or the surveillance complete (null). */
    public static TriageDecision closed(TriageDecision d, int version, String condition) {
        TriageDecision.Closure closure = new TriageDecision.Closure(condition != null
                ? TriageDecision.Closure.Reason.TUMOUR_RECORDED : TriageDecision.Closure.Reason.SURVEILLANCE_COMPLETE,
                condition, LocalDate.parse("2027-01-05"));
        return new TriageDecision(d.episodeId() + "/" + version, d.episodeId(), version, d.patientKey(), Action.CLOSE, d.tier(),
                d.evidence(), d.rulesFired(), d.rulesetVersion(), condition != null ? "Screening ended: a tumour was recorded (test)."
                : "Two-year surveillance complete (test).", d.plan(), d.decidedAt(), d.context(), d.deltaP(), d.deltaPScore(), d.kind(),
                closure);
    }

    /**
     * The same decision at another version and action, asking clinicians these questions, its plan
     * waiting for them as {@code hold} says: every round PLANNED while a clinician decides, no rounds while a
     * confirmation is awaited. The closure is kept: a closed episode may still ask.
     */
    public static TriageDecision asking(TriageDecision d, int version, Action action, TriageDecision.Hold hold,
                                        ClinicianRequest... requests) {
        List<ScreeningRound> plan = hold == TriageDecision.Hold.CONFIRMATION ? List.of()
                : hold == TriageDecision.Hold.CLINICIAN_DECISION
                ? d.plan().stream().map(r -> r.withState(TriageDecision.RoundState.PLANNED)).toList() : d.plan();
        return new TriageDecision(d.episodeId() + "/" + version, d.episodeId(), version, d.patientKey(), action, d.tier(),
                d.evidence(), d.rulesFired(), d.rulesetVersion(), d.explanation(), plan, d.decidedAt(), d.context(), d.deltaP(),
                d.deltaPScore(), d.kind(), d.closure(), List.of(requests), hold);
    }

    /** A question for a clinician, as the rules ask it. */
    public static ClinicianRequest request(String id, ClinicianRequest.Kind kind, String about, String owner) {
        return new ClinicianRequest(id, kind, about, kind.display() + " (test) [rule TEST@1].", owner);
    }

    /** The same decision for a patient who smoked at diagnosis (DELTA-P item T, read from {@code Observation/smoke-1}). */
    public static TriageDecision smoker(TriageDecision d) {
        List<DeltaPItem> deltaP = d.deltaP().stream().map(i -> i.item() == DeltaPItem.Item.SMOKING_AT_DIAGNOSIS
                ? new DeltaPItem(i.item(), DeltaPItem.Presence.PRESENT, "Observation/smoke-1", "current smoker at diagnosis") : i).toList();
        return new TriageDecision(d.decisionId(), d.episodeId(), d.version(), d.patientKey(), d.action(), d.tier(), d.evidence(),
                d.rulesFired(), d.rulesetVersion(), d.explanation(), d.plan(), d.decidedAt(), d.context(), deltaP,
                d.deltaPScore() + 1, d.kind(), d.closure(), d.requests(), d.hold());
    }

    /** The episode ends because a clinician declined the held plan. */
    public static TriageDecision declined(TriageDecision d, int version) {
        return new TriageDecision(d.episodeId() + "/" + version, d.episodeId(), version, d.patientKey(), Action.CLOSE, d.tier(),
                d.evidence(), d.rulesFired(), d.rulesetVersion(), "Screening ended: a clinician answered no (test).", d.plan(),
                d.decidedAt(), d.context(), d.deltaP(), d.deltaPScore(), d.kind(),
                new TriageDecision.Closure(TriageDecision.Closure.Reason.CLINICIAN_DECLINED, null, LocalDate.parse("2027-01-05")));
    }

    /** Sends decisions to triage.decision.v1 on the real broker as the classifier does: keyed by patient, the topic's serde. */
    public static final class Sender implements AutoCloseable {
        private final KafkaProducer<String, TriageDecision> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers()),
                new StringSerializer(), new TriageDecisionSerde());

        public void send(TriageDecision decision) throws Exception {
            producer.send(new ProducerRecord<>(Topics.TRIAGE_DECISION, decision.patientKey(), decision)).get();
        }

        @Override
        public void close() {
            producer.close();
        }
    }
}
