package org.lemstriage.classifier.triage;

import org.lemstriage.classifier.rules.OldResultReview;
import org.lemstriage.classifier.rules.PatientEvidence;
import org.lemstriage.classifier.rules.Ruleset;
import org.lemstriage.classifier.rules.ScreeningPlanner;
import org.lemstriage.classifier.rules.Surveillance;
import org.lemstriage.classifier.rules.TriageRule;
import org.lemstriage.classifier.rules.TumourFit;
import org.lemstriage.classifier.triage.PatientTriage.ContextWait;
import org.lemstriage.classifier.triage.PatientTriage.DecisionSummary;
import org.lemstriage.classifier.triage.PatientTriage.Episode;
import org.lemstriage.model.event.ClinicalContext;
import org.lemstriage.model.event.ClinicianRequest;
import org.lemstriage.model.event.ContextRequest;
import org.lemstriage.model.event.DeltaPItem;
import org.lemstriage.model.event.LabResult;
import org.lemstriage.model.event.TriageDecision;
import org.lemstriage.model.event.TriageDecision.Action;
import org.lemstriage.model.event.TriageDecision.Closure;
import org.lemstriage.model.event.TriageDecision.Hold;
import org.lemstriage.model.event.TriageDecision.EpisodeKind;
import org.lemstriage.model.event.TriageDecision.ScreeningRound;
import org.lemstriage.model.terminology.Analyte;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
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
    private final Surveillance surveillance;
    private final ContextTiming timing;

    public TriageStep(Ruleset ruleset, ScreeningPlanner planner, Surveillance surveillance, ContextTiming timing) {
        this.ruleset = ruleset;
        this.planner = planner;
        this.surveillance = surveillance;
        this.timing = timing;
    }

    /**
     * How long decisions wait for the EHR, how often an unanswered request is repeated, and how often a running
     * surveillance reads the EHR again when no round falls due sooner (ruleset 2.0).
     */
    public record ContextTiming(Duration hold, Duration firstRetry, Duration maxRetry, Duration reviewEvery) {
        Duration retryAfter(int attempts) {
            Duration delay = firstRetry.multipliedBy(1L << Math.min(attempts, 20));
            return delay.compareTo(maxRetry) > 0 ? maxRetry : delay;
        }
    }

    /**
     * What made the patient be looked at. ANSWER: the EHR was just read (a fresh context); CONTEXT: it could not be
     * (a failed read or a hold that ran out). Only an ANSWER moves rounds on by their Tasks: a context held from
     * earlier would show Tasks as they were then.
     */
    private enum Trigger { RESULT, ANSWER, CONTEXT, RETRY, REVIEW }

    public Outcome onResult(PatientTriage current, LabResult incoming, Instant now) {
        PatientTriage state = current != null ? current : PatientTriage.empty(incoming.patientKey());
        Map<String, LabResult> results = new TreeMap<>(state.results());
        LabResult held = results.get(incoming.key());
        if (incoming.withdrawn()) {
            results.remove(incoming.key());
        } else if (!incoming.hasValue()) {
            // A result without a value never withdraws or lowers anything (a final without value[x], an empty OBX-5):
            // it is kept off the patient's results. Only one that says it makes the earlier value final (HL7 v2 OBX-11
            // U) changes the status of the value held
            if (Boolean.TRUE.equals(incoming.finalisesEarlier()) && held != null && held.hasValue() && !isOlder(incoming, held)) {
                results.put(incoming.key(), held.finalisedBy(incoming));
            }
        } else if (!isOlder(incoming, held)) {
            LabResult kept = incoming.withoutResource();
            // A diagnosis's plan counts from when it first reached lems-triage (ruleset 3.0), kept across its versions
            if (incoming.analyte() == Analyte.LEMS_DIAGNOSIS) {
                kept = kept.receivedAt(held != null && held.receivedAt() != null ? held.receivedAt() : now);
            }
            results.put(incoming.key(), kept);
        }
        return evaluate(state.withResults(results), now, Trigger.RESULT);
    }

    public Outcome onContext(PatientTriage current, ClinicalContext context, Instant now) {
        PatientTriage state = current != null ? current : PatientTriage.empty(context.patientKey());
        boolean available = context.status() == ClinicalContext.Status.AVAILABLE;
        if (!available && state.context() != null && state.context().status() == ClinicalContext.Status.AVAILABLE) {
            // A failed re-read never replaces a good context; a running surveillance asks again later
            return evaluate(state.withContext(state.context(), retryLater(state.contextWait(), now)), now, Trigger.CONTEXT);
        }
        ContextWait wait = available ? null : retryLater(state.contextWait(), now);
        return evaluate(state.withContext(context, wait), now, available ? Trigger.ANSWER : Trigger.CONTEXT);
    }

    /** The timer: a hold that ran out, a request due to be repeated, or a surveillance due to be looked at again. */
    public Outcome onTimer(PatientTriage state, Instant now) {
        ContextWait wait = state.contextWait();
        boolean waitDue = wait != null && wait.due() != null && !now.isBefore(wait.due());
        boolean reviewDue = state.nextReview() != null && !now.isBefore(state.nextReview());
        if (!waitDue && !reviewDue) {
            return new Outcome(state, Optional.empty(), Optional.empty());
        }
        if (waitDue && wait.holdUntil() != null) {
            ClinicalContext silent = state.context() != null ? state.context() : ClinicalContext.unavailable(
                    new ContextRequest(state.patientKey(), wait.requestId(), null),
                    "the EHR did not answer within " + timing.hold().toSeconds() + " s", now);
            return evaluate(state.withContext(silent, retryLater(wait, now)), now, Trigger.CONTEXT);
        }
        return evaluate(state.withNextReview(null), now, waitDue ? Trigger.RETRY : Trigger.REVIEW);
    }

    private Outcome evaluate(PatientTriage state, Instant now, Trigger trigger) {
        PatientEvidence evidence = ruleset.read(state.patientKey(), List.copyOf(state.results().values()), state.context(),
                state.episode() == null ? null : state.episode().episodeId());
        boolean needsContext = Ruleset.needsContext(evidence);
        boolean haveContext = state.context() != null && state.context().status() == ClinicalContext.Status.AVAILABLE;
        // A running surveillance reads the EHR again on every new result and review (ruleset 2.0): decisions go ahead
        // on the context held meanwhile, and a failed read is asked again with backoff
        boolean answer = trigger == Trigger.ANSWER || trigger == Trigger.CONTEXT;
        boolean followed = state.followed(now.atZone(ZoneOffset.UTC).toLocalDate());
        boolean refresh = followed && !answer;
        Optional<ContextRequest> request = Optional.empty();
        ContextWait wait = state.contextWait();
        if (needsContext && !haveContext ? wait == null || trigger == Trigger.RETRY : refresh) {
            int n = state.contextRequests() + 1;
            String requestId = UUID.nameUUIDFromBytes((state.patientKey() + "#context-" + n).getBytes(StandardCharsets.UTF_8)).toString();
            request = Optional.of(new ContextRequest(state.patientKey(), requestId, Ruleset.onset(evidence.results()).orElse(null),
                    followed ? state.episode().episodeId() : null));
            int attempts = trigger == Trigger.RETRY && wait != null ? wait.attempts() + 1 : 0;
            // First need: hold decisions for the answer. A retry after the EHR failed, or a refresh: decide meanwhile
            wait = state.context() == null
                    ? new ContextWait(requestId, now.plus(timing.hold()), null, attempts)
                    : new ContextWait(requestId, null, now.plus(timing.retryAfter(attempts)), attempts);
            state = state.withRequest(wait, n);
        } else if (!needsContext || (haveContext && !(answer && followed))) {
            state = state.withRequest(null, state.contextRequests());
        }
        if (state.contextWait() != null && state.contextWait().holdUntil() != null) {
            return new Outcome(state, Optional.empty(), request); // waiting for the EHR's answer
        }
        return decide(state, evidence, now, request, trigger == Trigger.ANSWER);
    }

    private Outcome decide(PatientTriage state, PatientEvidence evidence, Instant now, Optional<ContextRequest> request,
                           boolean fresh) {
        Episode episode = state.episode();
        Ruleset.Assessment assessment = ruleset.assess(evidence);
        LocalDate today = now.atZone(ZoneOffset.UTC).toLocalDate();
        ClinicalContext context = state.context() != null && state.context().status() == ClinicalContext.Status.AVAILABLE
                ? state.context() : null;
        if (episode != null && episode.closure() != null) {
            // A closed episode stays closed (nothing more is planned for it), unless the tumour that closed it is
            // withdrawn (ruleset 3.0: it reopens on its original schedule)
            Optional<ClinicalContext.CodedFact> withdrawn = fresh && episode.closure().reason() == Closure.Reason.TUMOUR_RECORDED
                    ? TumourFit.withdrawn(context, episode.closure().reference()) : Optional.empty();
            if (withdrawn.isEmpty()) {
                return afterClosing(state, episode, evidence, now, request);
            }
            List<Integer> missed = Surveillance.missedWhileClosed(episode.plan(), today);
            ClinicianRequest reopened = Surveillance.reopened(withdrawn.get(), episode.closure(), missed);
            episode = episode.reopened(reopened, missed);
            assessment = with(assessment, Surveillance.TUMOUR_WITHDRAWN, reopened.text());
        }
        // The plan counts from the first positive result (a diagnosis: from its arrival), fixed when the episode opens
        LocalDate start = episode != null ? episode.start()
                : Ruleset.planStart(evidence.results()).orElse(today);
        EpisodeKind kind = episode != null ? episode.kind()
                : OldResultReview.applies(start, today) && assessment.screening() ? EpisodeKind.CLINICIAN_REVIEW : EpisodeKind.SCREENING;
        if (kind == EpisodeKind.CLINICIAN_REVIEW && assessment.screening()) {
            assessment = reviewInstead(assessment, start);
        }
        if (episode != null && episode.malignancies() == null && context != null) {
            episode = episode.withMalignancies(surveillance.malignancies(context));
        }
        if (episode != null && kind == EpisodeKind.SCREENING && context != null) {
            Optional<ClinicalContext.CodedFact> tumour = surveillance.newTumour(context, episode.malignancies());
            if (tumour.isPresent()) {
                return close(state, episode, new Closure(Closure.Reason.TUMOUR_RECORDED, tumour.get().reference(), today, true),
                        with(assessment, Surveillance.TUMOUR_RECORDED, Surveillance.tumourReason(tumour.get(), start)), now, request);
            }
            TriageRule.Ending ending = assessment.ending();
            if (ending != null) {
                boolean tumourAnswer = ending.reason() == Closure.Reason.TUMOUR_RECORDED;
                return close(state, episode, new Closure(ending.reason(), ending.reference(), today, tumourAnswer ? false : null), tumourAnswer
                        ? with(assessment, Surveillance.TUMOUR_RECORDED, Surveillance.tumourAnsweredReason(ending.reference(), start))
                        : with(assessment, ending.ruleId(), Surveillance.declinedReason(ending.ruleId())), now, request);
            }
        }
        List<ScreeningRound> plan = List.of();
        if (assessment.screening() && kind == EpisodeKind.SCREENING && assessment.hold() != Hold.CONFIRMATION) {
            // Rounds move on by their Tasks and are released only on what the EHR says now, and not while held
            boolean held = assessment.hold() == Hold.CLINICIAN_DECISION;
            Map<Integer, String> tasks = fresh ? Surveillance.roundTasks(context) : Map.of();
            List<ScreeningRound> before = episode == null ? List.of() : episode.plan();
            List<Integer> skipped = episode == null ? List.of() : episode.skipped();
            List<ScreeningRound> planned = planner.plan(assessment.tier(), start).stream()
                    .filter(r -> !skipped.contains(r.round())).toList();
            plan = Surveillance.progress(planned, before, tasks, fresh ? Surveillance.negativeCts(context) : Set.of(), today,
                    fresh ? today : null, held);
            // A PET ordered in this look is written before the episode closes (at the next look)
            if (episode != null && fresh && !held && Surveillance.complete(plan, tasks) && Surveillance.newPets(plan, before).isEmpty()) {
                return close(state, episode, new Closure(Closure.Reason.SURVEILLANCE_COMPLETE, null, today),
                        with(assessment, Surveillance.SURVEILLANCE_COMPLETE, Surveillance.completeReason(start, today)), now, request);
            }
            if (plan.stream().anyMatch(ScreeningRound::petOrdered)) {
                assessment = with(assessment, Surveillance.FDG_PET_AFTER_NEGATIVE_CT, Surveillance.petReason(plan));
            }
            List<ScreeningRound> overdue = Surveillance.overdue(plan);
            if (!overdue.isEmpty()) {
                assessment = with(assessment, Surveillance.ROUND_OVERDUE, Surveillance.overdueReason(overdue));
            }
        }
        int opened = state.episodesOpened();
        Action action = null;
        Episode next = episode;
        List<ClinicianRequest> standing = episode == null ? List.of() : episode.standing();
        if (episode == null && assessment.active()) {
            opened++;
            action = Action.OPEN;
            next = episode(episodeId(state.patientKey(), opened), 1, assessment, plan, kind, start,
                    context == null ? null : surveillance.malignancies(context), List.of(), null);
        } else if (episode != null && !assessment.active()) {
            action = Action.RETRACT;
            next = new Episode(episode.episodeId(), episode.version() + 1, TriageDecision.Tier.NONE, List.of(),
                    assessment.rulesFired(), assessment.evidence(), assessment.deltaP(), assessment.context(), kind, start,
                    null, episode.malignancies(), List.of(), null, standing, episode.skipped());
        } else if (episode != null && changed(episode, assessment, plan, standing)) {
            action = Action.UPDATE;
            next = episode(episode.episodeId(), episode.version() + 1, assessment, plan,
                    kind, start, episode.malignancies(), standing, episode.skipped());
        }
        List<DecisionSummary> history = new ArrayList<>(state.history());
        if (action == null) {
            if (!assessment.screening() && assessment.tier() != TriageDecision.Tier.NONE && !lastIs(history, NO_SCREENING)) {
                history.add(new DecisionSummary(null, NO_SCREENING, assessment.tier(), now, assessment.explanation()));
            }
            return new Outcome(reviewed(state.withEpisode(episode, opened, trim(history)), now), Optional.empty(), request);
        }
        return decided(state, next, action, assessment, null, opened, history, now, request);
    }

    /**
     * A closed episode (ruleset 3.0): a positive screening result it did not rest on (a rising titre, a new SOX1) is
     * not ignored: one clinician-review Task says what arrived after the closing, and the episode stays closed (the
     * decision is a CLOSE that restates the closure with the new question).
     */
    private Outcome afterClosing(PatientTriage state, Episode episode, PatientEvidence evidence, Instant now,
                                 Optional<ContextRequest> request) {
        Episode next = episode;
        List<String> arrived = new ArrayList<>();
        for (PatientEvidence.ReadResult r : evidence.results()) {
            if (!r.positive() || !Ruleset.SCREENING_ANTIBODIES.contains(r.result().analyte()) || restsOn(episode, r)) {
                continue;
            }
            String id = "after-closing/" + r.result().reference() + (r.result().observationVersion() == null ? ""
                    : "/_history/" + r.result().observationVersion());
            if (next.standing().stream().noneMatch(q -> q.id().equals(id))) {
                String description = Ruleset.describe(r);
                next = next.withStanding(Surveillance.resultAfterClosing(id, description, episode.closure()), episode.closure());
                arrived.add(description);
            }
        }
        if (next == episode) {
            return new Outcome(reviewed(state.withEpisode(episode, state.episodesOpened(), state.history()), now), Optional.empty(), request);
        }
        String reason = "After the surveillance closed on " + episode.closure().date() + " (" + episode.closure().reason()
                + ", by " + String.join(", ", episode.rulesFired()) + "), a new positive result arrived: "
                + String.join("; ", arrived) + ". A clinician is asked to review it; nothing else is planned [rule "
                + Surveillance.RESULT_AFTER_CLOSING + "]. Ruleset " + Ruleset.VERSION + ".";
        Ruleset.Assessment assessment = new Ruleset.Assessment(next.tier(), false, withRule(next.rulesFired(), Surveillance.RESULT_AFTER_CLOSING),
                next.evidence(), next.deltaP(), evidence.deltaPScore(), next.context(), reason, List.of(), null, null);
        Episode updated = new Episode(next.episodeId(), next.version() + 1, next.tier(), next.plan(), assessment.rulesFired(),
                next.evidence(), next.deltaP(), next.context(), next.kind(), next.start(), next.closure(), next.malignancies(),
                next.requests(), next.hold(), next.standing(), next.skipped());
        // CLOSE again: the episode is closed as of this version too, so every reader of the topic keeps it closed
        return decided(state, updated, Action.CLOSE, assessment, episode.closure(), state.episodesOpened(),
                new ArrayList<>(state.history()), now, request);
    }

    /** Whether the episode rests on this result as it reads now (a changed status with the same value is no news). */
    private static boolean restsOn(Episode episode, PatientEvidence.ReadResult r) {
        TriageDecision.Evidence now = Ruleset.evidenceOf(r);
        return episode.evidence().stream().anyMatch(e -> e.observationReference().equals(now.observationReference())
                && e.analyte() == now.analyte() && Objects.equals(e.value(), now.value())
                && Objects.equals(e.comparator(), now.comparator()) && e.result() == now.result());
    }

    private static List<String> withRule(List<String> rules, String rule) {
        List<String> all = new ArrayList<>(rules);
        if (!all.contains(rule)) {
            all.add(0, rule);
        }
        return List.copyOf(all);
    }

    /** The episode ends: its decision keeps the plan as it stood, and names why. */
    private Outcome close(PatientTriage state, Episode episode, Closure closure, Ruleset.Assessment assessment, Instant now,
                          Optional<ContextRequest> request) {
        // Open questions end with the episode (their Tasks are cancelled); what stays with it stays
        Episode closed = new Episode(episode.episodeId(), episode.version() + 1,
                episode.tier(), episode.plan(), assessment.rulesFired(), episode.evidence(), assessment.deltaP(),
                assessment.context(), episode.kind(), episode.start(), closure, episode.malignancies(),
                episode.standing(), null, episode.standing(), episode.skipped());
        return decided(state, closed, Action.CLOSE, assessment, closure, state.episodesOpened(),
                new ArrayList<>(state.history()), now, request);
    }

    private Outcome decided(PatientTriage state, Episode episode, Action action, Ruleset.Assessment assessment,
                            Closure closure, int opened, List<DecisionSummary> history, Instant now,
                            Optional<ContextRequest> request) {
        TriageDecision decision = new TriageDecision(episode.episodeId() + "/" + episode.version(), episode.episodeId(),
                episode.version(), state.patientKey(), action, episode.tier(), episode.evidence(), episode.rulesFired(),
                Ruleset.VERSION, assessment.explanation(), episode.plan(), now, assessment.context(), assessment.deltaP(),
                assessment.deltaPScore(), episode.kind(), closure, episode.requests(), episode.hold());
        history.add(new DecisionSummary(decision.decisionId(), action.name(), decision.tier(), now, decision.explanation()));
        PatientTriage next = state.withEpisode(action == Action.RETRACT ? null : episode, opened, trim(history));
        return new Outcome(reviewed(next, now), Optional.of(decision), request);
    }

    /**
     * When a running surveillance is looked at next: the day its next planned round falls due, the day after a
     * released round's window ends (it may then be overdue), or after {@code reviewEvery}, whichever comes first.
     */
    private PatientTriage reviewed(PatientTriage state, Instant now) {
        if (!state.followed(now.atZone(ZoneOffset.UTC).toLocalDate())) {
            return state.withNextReview(null);
        }
        Instant next = now.plus(timing.reviewEvery());
        for (ScreeningRound round : state.inSurveillance() ? state.episode().plan() : List.<ScreeningRound>of()) {
            LocalDate day = switch (round.state()) {
                case PLANNED -> round.dueFrom();
                case DUE -> round.dueTo().plusDays(1);
                case OVERDUE -> null;
            };
            Instant at = day == null ? null : day.atStartOfDay(ZoneOffset.UTC).toInstant();
            if (at != null && at.isAfter(now) && at.isBefore(next)) {
                next = at;
            }
        }
        return state.withNextReview(next);
    }

    /**
     * A clinician-review episode (an old result): the old-result rule joins the rules fired, and its reason leads the
     * explanation. Its one review Task covers every question: none is asked apart, nothing is held.
     */
    private static Ruleset.Assessment reviewInstead(Ruleset.Assessment a, LocalDate onset) {
        Ruleset.Assessment review = with(a, OldResultReview.ID, OldResultReview.reason(onset));
        return new Ruleset.Assessment(review.tier(), review.screening(), review.rulesFired(), review.evidence(), review.deltaP(),
                review.deltaPScore(), review.context(), review.explanation(), List.of(), null, null);
    }

    /** The assessment with one more rule fired, its reason leading the explanation. */
    private static Ruleset.Assessment with(Ruleset.Assessment a, String ruleId, String reason) {
        return new Ruleset.Assessment(a.tier(), a.screening(), withRule(a.rulesFired(), ruleId), a.evidence(), a.deltaP(),
                a.deltaPScore(), a.context(), reason + " " + a.explanation(), a.requests(), a.hold(), a.ending());
    }

    private static Episode episode(String id, int version, Ruleset.Assessment a, List<ScreeningRound> plan,
                                   EpisodeKind kind, LocalDate start, List<String> malignancies, List<ClinicianRequest> standing,
                                   List<Integer> skipped) {
        return new Episode(id, version, a.tier(), plan, a.rulesFired(), a.evidence(), a.deltaP(), a.context(), kind, start,
                null, malignancies, asked(a.requests(), standing), a.hold(), standing, skipped);
    }

    /** The requests of a decision: the rules' questions, and those that stay with the episode, each once. */
    private static List<ClinicianRequest> asked(List<ClinicianRequest> requests, List<ClinicianRequest> standing) {
        Map<String, ClinicianRequest> byId = new LinkedHashMap<>();
        requests.forEach(r -> byId.putIfAbsent(r.id(), r));
        standing.forEach(r -> byId.putIfAbsent(r.id(), r));
        return List.copyOf(byId.values());
    }

    /** What the EHR must hear about: not a reworded reason, only a different value, source, tier, plan or question. */
    private static boolean changed(Episode episode, Ruleset.Assessment a, List<ScreeningRound> plan, List<ClinicianRequest> standing) {
        return episode.tier() != a.tier() || !episode.plan().equals(plan) || !episode.rulesFired().equals(a.rulesFired())
                || !episode.evidence().equals(a.evidence()) || !items(episode.deltaP()).equals(items(a.deltaP()))
                || episode.context() != a.context() || episode.hold() != a.hold()
                || !ids(episode.requests()).equals(ids(asked(a.requests(), standing)));
    }

    private static List<String> ids(List<ClinicianRequest> requests) {
        return requests.stream().map(ClinicianRequest::id).toList();
    }

    private static List<String> items(List<DeltaPItem> deltaP) {
        return deltaP.stream().map(i -> i.item() + "=" + i.value() + "@" + i.source()).toList();
    }

    private ContextWait retryLater(ContextWait wait, Instant now) {
        int attempts = wait == null ? 0 : wait.attempts();
        return new ContextWait(wait == null ? null : wait.requestId(), null, now.plus(timing.retryAfter(attempts)), attempts);
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
