package org.lemstriage.classifier.triage;

import org.lemstriage.classifier.rules.PatientEvidence;
import org.lemstriage.classifier.rules.Ruleset;
import org.lemstriage.classifier.rules.ScreeningPlanner;
import org.lemstriage.classifier.triage.PatientTriage.DecisionSummary;
import org.lemstriage.classifier.triage.PatientTriage.Episode;
import org.lemstriage.model.event.LabResult;
import org.lemstriage.model.event.TriageDecision;
import org.lemstriage.model.event.TriageDecision.Action;
import org.lemstriage.model.event.TriageDecision.ScreeningRound;
import org.lemstriage.model.event.TriageDecision.Tier;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * One result applied to one patient's state: the new state, and a decision only when what the EHR was told must
 * change (OPEN a new episode, UPDATE it, RETRACT it). Pure and deterministic, so a replay decides the same.
 */
public final class TriageStep {
    /** Decision summaries kept per patient for the triage view; older ones stay on the decision topic. */
    static final int HISTORY_LIMIT = 50;

    private final Ruleset ruleset;
    private final ScreeningPlanner planner;

    public TriageStep(Ruleset ruleset, ScreeningPlanner planner) {
        this.ruleset = ruleset;
        this.planner = planner;
    }

    public Outcome apply(PatientTriage current, LabResult incoming, Instant now) {
        PatientTriage state = current != null ? current : PatientTriage.empty(incoming.patientKey());
        Map<String, LabResult> results = new TreeMap<>(state.results());
        if (incoming.withdrawn()) {
            results.remove(incoming.observationId());
        } else if (!isOlder(incoming, results.get(incoming.observationId()))) {
            results.put(incoming.observationId(), incoming.withoutResource());
        }

        PatientEvidence evidence = ruleset.read(state.patientKey(), List.copyOf(results.values()));
        Ruleset.Assessment assessment = ruleset.assess(evidence);
        List<ScreeningRound> plan = assessment.tier() == Tier.NONE ? List.of()
                : planner.plan(assessment.tier(), startOf(evidence, now));

        Episode episode = state.episode();
        int opened = state.episodesOpened();
        Action action = null;
        if (episode == null && assessment.tier() != Tier.NONE) {
            opened++;
            action = Action.OPEN;
            episode = new Episode(episodeId(state.patientKey(), opened), 1, assessment.tier(), plan,
                    assessment.rulesFired(), assessment.evidence());
        } else if (episode != null && assessment.tier() == Tier.NONE) {
            action = Action.RETRACT;
            episode = new Episode(episode.episodeId(), episode.version() + 1, Tier.NONE, List.of(),
                    assessment.rulesFired(), assessment.evidence());
        } else if (episode != null && changed(episode, assessment, plan)) {
            action = Action.UPDATE;
            episode = new Episode(episode.episodeId(), episode.version() + 1, assessment.tier(), plan,
                    assessment.rulesFired(), assessment.evidence());
        }
        if (action == null) {
            return new Outcome(new PatientTriage(state.patientKey(), results, state.episode(), opened, state.history()),
                    Optional.empty());
        }
        TriageDecision decision = new TriageDecision(episode.episodeId() + "/" + episode.version(),
                episode.episodeId(), episode.version(), state.patientKey(), action, episode.tier(), episode.evidence(),
                episode.rulesFired(), Ruleset.VERSION, assessment.explanation(), episode.plan(), now);
        List<DecisionSummary> history = new ArrayList<>(state.history());
        history.add(new DecisionSummary(decision.decisionId(), action, decision.tier(), now));
        if (history.size() > HISTORY_LIMIT) {
            history = history.subList(history.size() - HISTORY_LIMIT, history.size());
        }
        Episode open = action == Action.RETRACT ? null : episode;
        return new Outcome(new PatientTriage(state.patientKey(), results, open, opened, List.copyOf(history)),
                Optional.of(decision));
    }

    private static boolean changed(Episode episode, Ruleset.Assessment assessment, List<ScreeningRound> plan) {
        return episode.tier() != assessment.tier() || !episode.plan().equals(plan)
                || !episode.rulesFired().equals(assessment.rulesFired())
                || !episode.evidence().equals(assessment.evidence());
    }

    /** A resent or reordered older version never replaces a newer one (numeric FHIR version ids). */
    private static boolean isOlder(LabResult incoming, LabResult stored) {
        if (stored == null || incoming.observationVersion() == null || stored.observationVersion() == null) {
            return false;
        }
        try {
            return Long.parseLong(incoming.observationVersion()) < Long.parseLong(stored.observationVersion());
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Screening starts from the earliest positive result's date (stable under re-evaluation), else today. */
    private static LocalDate startOf(PatientEvidence evidence, Instant now) {
        return evidence.results().stream().filter(PatientEvidence.ReadResult::positive)
                .map(r -> r.result().effective()).filter(Objects::nonNull).min(Comparator.naturalOrder())
                .orElse(now).atZone(ZoneOffset.UTC).toLocalDate();
    }

    /** Stable per patient and episode number: every identifier written to the EHR derives from it. */
    static String episodeId(String patientKey, int episodeNumber) {
        return UUID.nameUUIDFromBytes((patientKey + "#episode-" + episodeNumber).getBytes(StandardCharsets.UTF_8)).toString();
    }

    public record Outcome(PatientTriage state, Optional<TriageDecision> decision) {
    }
}
