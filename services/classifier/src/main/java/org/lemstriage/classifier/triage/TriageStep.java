package org.lemstriage.classifier.triage;

import org.lemstriage.classifier.rules.OldResultReview;
import org.lemstriage.classifier.rules.PatientEvidence;
import org.lemstriage.classifier.rules.Ruleset;
import org.lemstriage.classifier.rules.ScreeningPlanner;
import org.lemstriage.classifier.triage.PatientTriage.ContextWait;
import org.lemstriage.classifier.triage.PatientTriage.DecisionSummary;
import org.lemstriage.classifier.triage.PatientTriage.Episode;
import org.lemstriage.model.event.ClinicalContext;
import org.lemstriage.model.event.ContextRequest;
import org.lemstriage.model.event.DeltaPItem;
import org.lemstriage.model.event.LabResult;
import org.lemstriage.model.event.TriageDecision;
import org.lemstriage.model.event.TriageDecision.Action;
import org.lemstriage.model.event.TriageDecision.EpisodeKind;
import org.lemstriage.model.event.TriageDecision.ScreeningRound;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * One event applied to one patient's state: a lab result, a clinical context from the EHR, or the timer. The outcome
 * is the new state, a decision only when what the EHR was told must change (OPEN, UPDATE, RETRACT), and a context
 * request when the EHR must be read. Pure: given the same events and times it decides the same.
 *
 * <p>A positive result needs the EHR's clinical context. Decisions wait for it up to {@code hold}; then they are made
 * on the antibodies alone (never LOW) and the request is repeated with backoff until the EHR answers.
 */
public final class TriageStep {
    /** Decision summaries kept per patient for the triage view; older ones stay on the decision topic. */
    static final int HISTORY_LIMIT = 50;
    static final String NO_SCREENING = "NO_SCREENING";

    private final Ruleset ruleset;
    private final ScreeningPlanner planner;
    private final ContextTiming timing;

    public TriageStep(Ruleset ruleset, ScreeningPlanner planner, ContextTiming timing) {
        this.ruleset = ruleset;
        this.planner = planner;
        this.timing = timing;
    }

    /** How long decisions wait for the EHR, and how often an unanswered request is repeated. */
    public record ContextTiming(Duration hold, Duration firstRetry, Duration maxRetry) {
        Duration retryAfter(int attempts) {
            Duration delay = firstRetry.multipliedBy(1L << Math.min(attempts, 20));
            return delay.compareTo(maxRetry) > 0 ? maxRetry : delay;
        }
    }

    public Outcome onResult(PatientTriage current, LabResult incoming, Instant now) {
        PatientTriage state = current != null ? current : PatientTriage.empty(incoming.patientKey());
        Map<String, LabResult> results = new TreeMap<>(state.results());
        if (incoming.withdrawn()) {
            results.remove(incoming.observationId());
        } else if (!isOlder(incoming, results.get(incoming.observationId()))) {
            results.put(incoming.observationId(), incoming.withoutResource());
        }
        return evaluate(with(state, results, state.context(), state.contextWait()), now, null);
    }

    public Outcome onContext(PatientTriage current, ClinicalContext context, Instant now) {
        PatientTriage state = current != null ? current : PatientTriage.empty(context.patientKey());
        boolean available = context.status() == ClinicalContext.Status.AVAILABLE;
        if (!available && state.context() != null && state.context().status() == ClinicalContext.Status.AVAILABLE) {
            // A failed re-read never replaces a good context
            return evaluate(with(state, state.results(), state.context(), null), now, null);
        }
        ContextWait wait = available ? null : retryLater(state.contextWait(), now);
        return evaluate(with(state, state.results(), context, wait), now, null);
    }

    /** The timer: a hold that ran out, or a request due to be repeated. */
    public Outcome onTimer(PatientTriage state, Instant now) {
        ContextWait wait = state.contextWait();
        if (wait == null || now.isBefore(wait.due())) {
            return new Outcome(state, Optional.empty(), Optional.empty());
        }
        if (wait.holdUntil() != null) {
            ClinicalContext silent = state.context() != null ? state.context() : ClinicalContext.unavailable(
                    new ContextRequest(state.patientKey(), wait.requestId(), null),
                    "the EHR did not answer within " + timing.hold().toSeconds() + " s", now);
            return evaluate(with(state, state.results(), silent, retryLater(wait, now)), now, null);
        }
        return evaluate(state, now, "retry");
    }

    private Outcome evaluate(PatientTriage state, Instant now, String retry) {
        PatientEvidence evidence = ruleset.read(state.patientKey(), List.copyOf(state.results().values()), state.context());
        boolean needsContext = Ruleset.needsContext(evidence);
        boolean haveContext = state.context() != null && state.context().status() == ClinicalContext.Status.AVAILABLE;
        Optional<ContextRequest> request = Optional.empty();
        ContextWait wait = state.contextWait();
        if (!needsContext || haveContext) {
            wait = null;
        } else if (wait == null || retry != null) {
            // First need (hold decisions for the answer), or a retry after the EHR failed (decide meanwhile)
            int n = state.contextRequests() + 1;
            String requestId = UUID.nameUUIDFromBytes((state.patientKey() + "#context-" + n).getBytes(StandardCharsets.UTF_8)).toString();
            request = Optional.of(new ContextRequest(state.patientKey(), requestId, Ruleset.onset(evidence.results()).orElse(null)));
            int attempts = wait == null ? 0 : wait.attempts() + 1;
            wait = state.context() == null
                    ? new ContextWait(requestId, now.plus(timing.hold()), null, attempts)
                    : new ContextWait(requestId, null, now.plus(timing.retryAfter(attempts)), attempts);
            state = new PatientTriage(state.patientKey(), state.results(), state.context(), wait, state.episode(),
                    state.episodesOpened(), n, state.history());
        }
        state = with(state, state.results(), state.context(), wait);
        if (wait != null && wait.holdUntil() != null) {
            return new Outcome(state, Optional.empty(), request); // waiting for the EHR's answer
        }
        return decide(state, evidence, now, request);
    }

    private Outcome decide(PatientTriage state, PatientEvidence evidence, Instant now, Optional<ContextRequest> request) {
        Ruleset.Assessment assessment = ruleset.assess(evidence);
        LocalDate today = now.atZone(ZoneOffset.UTC).toLocalDate();
        Episode episode = state.episode();
        // The plan counts from the first positive result, fixed when the episode opens
        LocalDate start = episode != null && episode.start() != null ? episode.start()
                : Ruleset.onset(evidence.results()).orElse(today);
        EpisodeKind kind = episode != null ? episode.episodeKind()
                : OldResultReview.applies(start, today) ? EpisodeKind.CLINICIAN_REVIEW : EpisodeKind.SCREENING;
        if (kind == EpisodeKind.CLINICIAN_REVIEW && assessment.screening()) {
            assessment = reviewInstead(assessment, start);
        }
        List<ScreeningRound> plan = assessment.screening() && kind == EpisodeKind.SCREENING
                ? planner.plan(assessment.tier(), start) : List.of();
        int opened = state.episodesOpened();
        Action action = null;
        if (episode == null && assessment.screening()) {
            opened++;
            action = Action.OPEN;
            episode = episode(episodeId(state.patientKey(), opened), 1, assessment, plan, kind, start);
        } else if (episode != null && !assessment.screening()) {
            action = Action.RETRACT;
            episode = new Episode(episode.episodeId(), episode.version() + 1, TriageDecision.Tier.NONE, List.of(),
                    assessment.rulesFired(), assessment.evidence(), assessment.deltaP(), assessment.context(), kind, start);
        } else if (episode != null && changed(episode, assessment, plan)) {
            action = Action.UPDATE;
            episode = episode(episode.episodeId(), episode.version() + 1, assessment, plan, kind, start);
        }
        List<DecisionSummary> history = new ArrayList<>(state.history());
        if (action == null) {
            if (!assessment.screening() && assessment.tier() != TriageDecision.Tier.NONE && !lastIs(history, NO_SCREENING)) {
                history.add(new DecisionSummary(null, NO_SCREENING, assessment.tier(), now, assessment.explanation()));
            }
            return new Outcome(new PatientTriage(state.patientKey(), state.results(), state.context(), state.contextWait(),
                    state.episode(), opened, state.contextRequests(), trim(history)), Optional.empty(), request);
        }
        TriageDecision decision = new TriageDecision(episode.episodeId() + "/" + episode.version(), episode.episodeId(),
                episode.version(), state.patientKey(), action, episode.tier(), episode.evidence(), episode.rulesFired(),
                Ruleset.VERSION, assessment.explanation(), episode.plan(), now, assessment.context(), assessment.deltaP(),
                assessment.deltaPScore(), kind);
        history.add(new DecisionSummary(decision.decisionId(), action.name(), decision.tier(), now, decision.explanation()));
        return new Outcome(new PatientTriage(state.patientKey(), state.results(), state.context(), state.contextWait(),
                action == Action.RETRACT ? null : episode, opened, state.contextRequests(), trim(history)),
                Optional.of(decision), request);
    }

    /** A clinician-review episode: the old-result rule joins the rules fired, and its reason leads the explanation. */
    private static Ruleset.Assessment reviewInstead(Ruleset.Assessment a, LocalDate onset) {
        List<String> rules = new ArrayList<>(a.rulesFired());
        rules.add(OldResultReview.ID);
        String reason = OldResultReview.reason(onset);
        return new Ruleset.Assessment(a.tier(), a.screening(), List.copyOf(rules), a.evidence(), a.deltaP(),
                a.deltaPScore(), a.context(), reason + " " + a.explanation());
    }

    private static Episode episode(String id, int version, Ruleset.Assessment a, List<ScreeningRound> plan,
                                   EpisodeKind kind, LocalDate start) {
        return new Episode(id, version, a.tier(), plan, a.rulesFired(), a.evidence(), a.deltaP(), a.context(), kind, start);
    }

    /** What the EHR must hear about: not a reworded reason, only a different value, source, tier or plan. */
    private static boolean changed(Episode episode, Ruleset.Assessment a, List<ScreeningRound> plan) {
        return episode.tier() != a.tier() || !episode.plan().equals(plan) || !episode.rulesFired().equals(a.rulesFired())
                || !episode.evidence().equals(a.evidence()) || !items(episode.deltaP()).equals(items(a.deltaP()))
                || episode.context() != a.context();
    }

    private static List<String> items(List<DeltaPItem> deltaP) {
        return deltaP.stream().map(i -> i.item() + "=" + i.value() + "@" + i.source()).toList();
    }

    private ContextWait retryLater(ContextWait wait, Instant now) {
        int attempts = wait == null ? 0 : wait.attempts();
        return new ContextWait(wait == null ? null : wait.requestId(), null, now.plus(timing.retryAfter(attempts)), attempts);
    }

    private static PatientTriage with(PatientTriage s, Map<String, LabResult> results, ClinicalContext context, ContextWait wait) {
        return new PatientTriage(s.patientKey(), results, context, wait, s.episode(), s.episodesOpened(),
                s.contextRequests(), s.history());
    }

    private static boolean lastIs(List<DecisionSummary> history, String action) {
        return !history.isEmpty() && action.equals(history.get(history.size() - 1).action());
    }

    private static List<DecisionSummary> trim(List<DecisionSummary> history) {
        return List.copyOf(history.size() > HISTORY_LIMIT ? history.subList(history.size() - HISTORY_LIMIT, history.size()) : history);
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

    /** Stable per patient and episode number: every identifier written to the EHR derives from it. */
    static String episodeId(String patientKey, int episodeNumber) {
        return UUID.nameUUIDFromBytes((patientKey + "#episode-" + episodeNumber).getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** The new state, the decision to publish if any, and the context request to publish if any. */
    public record Outcome(PatientTriage state, Optional<TriageDecision> decision, Optional<ContextRequest> contextRequest) {
    }
}
