package org.lemstriage.classifier.rules;

import org.lemstriage.model.event.ClinicalContext;
import org.lemstriage.model.event.ClinicalContext.CodedFact;
import org.lemstriage.model.event.ClinicianRequest;
import org.lemstriage.model.event.TriageDecision;
import org.lemstriage.model.event.TriageDecision.RoundState;
import org.lemstriage.model.event.TriageDecision.ScreeningRound;
import org.lemstriage.model.fhir.EhrIdentifiers;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The surveillance after an episode opens. A LEMS patient is screened for a tumour repeatedly for at least two years,
 * and the tumour can appear late (EFNS 2011; docs/clinical-ruleset-3.md): SCLC was found within 3 months in 92 % and
 * within a year in 96 % (Titulaer et al. 2008).
 * <ul>
 * <li>{@value #TUMOUR_RECORDED}: the EHR gained a confirmed, active tumour that explains LEMS after the episode opened
 *     (small-cell lung cancer, {@link TumourFit}).
 *     The surveillance ends: every round not yet taken up is cancelled and oncological care takes over. A
 *     provisional, differential or unconfirmed diagnosis does not end it (screening is that work-up); a refuted or
 *     entered-in-error one is ignored. Any other cancer goes to a clinician ({@link TumourFitReviewRule}).</li>
 * <li>{@value #TUMOUR_WITHDRAWN}: the tumour record that ended a surveillance is later marked entered in error or
 *     refuted: the surveillance reopens on its original schedule, and one Task says so.</li>
 * <li>{@value #RESULT_AFTER_CLOSING}: a new positive screening result (a rising titre, a new SOX1) after the
 *     surveillance closed: one clinician-review Task says what arrived after the closing; the episode stays closed.</li>
 * <li>A round is released (DUE) once its date has come and the EHR was read again on or after it: new evidence may
 *     have changed the tier or ended the episode. Round 1 is released at once.</li>
 * <li>{@value #ROUND_OVERDUE}: a released round whose window has passed while its Task is still not taken up
 *     (draft, requested, on-hold: the statuses lems-triage itself may still change) is overdue: its priority goes one step up and the
 *     worklist is told. A round the team has started (in progress) is theirs. A round completed early does not move
 *     the later ones.</li>
 * <li>{@value #FDG_PET_AFTER_NEGATIVE_CT}: a released round whose CT thorax the team recorded as negative on the
 *     round's Task (an output of type CT chest, LOINC 24627-2 or SNOMED CT 169069000, valued SNOMED CT 260385009
 *     "Negative") has its FDG-PET ordered: EFNS 2011, "CT thorax, then FDG-PET if negative". Once ordered it stays
 *     ordered.</li>
 * <li>{@value #SURVEILLANCE_COMPLETE}: the last round's Task is completed and no round is still open: one closing
 *     review Task, and the episode is closed. A PET ordered in the same look is written first; the episode closes
 *     at the next look.</li>
 * </ul>
 */
public final class Surveillance {
    public static final String TUMOUR_RECORDED = "TUMOUR-RECORDED@2";
    public static final String TUMOUR_WITHDRAWN = "TUMOUR-WITHDRAWN-REOPEN@1";
    public static final String RESULT_AFTER_CLOSING = "RESULT-AFTER-CLOSING@1";
    public static final String ROUND_OVERDUE = "ROUND-OVERDUE@1";
    public static final String SURVEILLANCE_COMPLETE = "SURVEILLANCE-COMPLETE@1";
    public static final String FDG_PET_AFTER_NEGATIVE_CT = "FDG-PET-AFTER-NEGATIVE-CT@1";
    /** Task.output.type of a round's CT thorax result: the codes of the CT the round orders. */
    static final Set<String> CT_RESULT = Set.of("http://loinc.org|24627-2", "http://snomed.info/sct|169069000");
    /** A negative finding: SNOMED CT 260385009 |Negative (qualifier value)|. */
    static final Set<String> NEGATIVE = Set.of("http://snomed.info/sct|260385009");
    /**
     * FHIR Task statuses of a round the oncology team has not taken up: the notifier changes only these, and leaves
     * every other status (received, accepted, in progress, completed...) to the team.
     */
    static final Set<String> NOT_TAKEN_UP = Set.of("draft", "requested", "on-hold");
    /** Statuses of a round the team has taken up and not finished. */
    private static final Set<String> STILL_WORKED_ON = Set.of("received", "accepted", "ready", "in-progress");
    private final TumourFit fit;

    public Surveillance(ClinicalCodes codes) {
        this.fit = new TumourFit(codes);
    }

    /** References of the confirmed, active tumours that explain LEMS the EHR holds now. */
    public List<String> malignancies(ClinicalContext context) {
        return fit.read(context).explaining().stream().map(CodedFact::reference).toList();
    }

    /** A confirmed, active tumour that explains LEMS, not among those the EHR held when the surveillance began. */
    public Optional<CodedFact> newTumour(ClinicalContext context, List<String> atStart) {
        return fit.read(context).explaining().stream().filter(c -> !atStart.contains(c.reference())).findFirst();
    }

    public static String tumourReason(CodedFact tumour, LocalDate start) {
        return "Screening ended: a confirmed, active small-cell lung cancer was recorded in the EHR (" + tumour.reference()
                + (tumour.date() == null ? "" : ", dated " + tumour.date()) + ") after the surveillance began on " + start
                + ". Every screening round not yet taken up is cancelled; oncological care takes over [rule "
                + TUMOUR_RECORDED + "].";
    }

    /** A cancer a clinician said explains the LEMS ends the surveillance as a tumour recorded. */
    public static String tumourAnsweredReason(String condition, LocalDate start) {
        return "Screening ended: a clinician answered that the cancer recorded in the EHR (" + condition + ") explains "
                + "the LEMS (surveillance from " + start + "). Every screening round not yet taken up is cancelled; "
                + "oncological care takes over [rule " + TUMOUR_RECORDED + "].";
    }

    public static String declinedReason(String ruleId) {
        return "Screening ended: a clinician answered no to the screening this plan waited for. Every screening round not "
                + "yet taken up is cancelled [rule " + ruleId + "].";
    }

    /**
     * The rounds of a closed episode's plan that were never released and whose date has come: all but the latest are
     * skipped when it reopens, so that one CT, not a backlog of them, is ordered at once.
     */
    public static List<Integer> missedWhileClosed(List<ScreeningRound> plan, LocalDate today) {
        List<Integer> passed = plan.stream().filter(r -> r.state() == RoundState.PLANNED)
                .filter(r -> !today.isBefore(r.dueFrom())).map(ScreeningRound::round).toList();
        return passed.size() <= 1 ? List.of() : passed.subList(0, passed.size() - 1);
    }

    /** The Task that says a surveillance reopened, and why. */
    public static ClinicianRequest reopened(CodedFact withdrawn, TriageDecision.Closure closure, List<Integer> skipped) {
        return new ClinicianRequest("reopened/" + withdrawn.reference(), ClinicianRequest.Kind.SURVEILLANCE_REOPENED,
                withdrawn.reference(), "Surveillance reopened: the tumour record that ended it on " + closure.date() + " ("
                + withdrawn.reference() + ") is now marked " + withdrawn.verificationStatus() + ". The screening rounds "
                + "continue on their original schedule" + (skipped.isEmpty() ? "" : "; rounds "
                + String.join(", ", skipped.stream().map(String::valueOf).toList()) + " fell due while it was closed and are "
                + "skipped, the latest one due is released now") + " [rule " + TUMOUR_WITHDRAWN + "].", null);
    }

    /** The Task that says what arrived after a surveillance closed. */
    public static ClinicianRequest resultAfterClosing(String id, String description, TriageDecision.Closure closure) {
        return new ClinicianRequest(id, ClinicianRequest.Kind.RESULT_AFTER_CLOSING, null,
                "Please review: after this surveillance closed (" + closure.reason().name().toLowerCase(Locale.ROOT)
                        .replace('_', ' ') + ", " + closure.date() + "), a new positive result arrived: " + description
                        + ". lems-triage opens nothing by itself for a closed surveillance [rule " + RESULT_AFTER_CLOSING + "].",
                null);
    }

    /** The status of each round's Task as the context read it back, by round number. */
    public static Map<Integer, String> roundTasks(ClinicalContext context) {
        Map<Integer, String> byRound = new HashMap<>();
        if (context != null) {
            context.tasks().forEach(t -> EhrIdentifiers.roundOf(t.identifier()).ifPresent(n -> byRound.put(n, t.status())));
        }
        return byRound;
    }

    /** The rounds whose Task reports their CT thorax as negative, as the context read them back. */
    public static Set<Integer> negativeCts(ClinicalContext context) {
        Set<Integer> rounds = new HashSet<>();
        if (context != null) {
            context.tasks().stream()
                    .filter(t -> t.outputs().stream().anyMatch(o -> o.type().stream().anyMatch(CT_RESULT::contains)
                            && o.value().stream().anyMatch(NEGATIVE::contains)))
                    .forEach(t -> EhrIdentifiers.roundOf(t.identifier()).ifPresent(rounds::add));
        }
        return rounds;
    }

    /**
     * The plan with each round's state moved on: states only advance (PLANNED, DUE, OVERDUE), and a PET once ordered
     * stays ordered, kept from {@code before} by round number.
     *
     * @param negativeCts the rounds whose CT the team recorded as negative
     * @param readOn      the day the EHR was last read, or null if it could not be
     * @param held        whether imaging is held for a clinician's decision: no round is released and
     *                    no PET ordered meanwhile
     */
    public static List<ScreeningRound> progress(List<ScreeningRound> plan, List<ScreeningRound> before,
                                                Map<Integer, String> tasks, Set<Integer> negativeCts, LocalDate today,
                                                LocalDate readOn, boolean held) {
        Map<Integer, RoundState> previous = new HashMap<>();
        before.forEach(r -> previous.put(r.round(), r.state()));
        Set<Integer> petBefore = new HashSet<>();
        before.stream().filter(ScreeningRound::petOrdered).forEach(r -> petBefore.add(r.round()));
        List<ScreeningRound> out = new ArrayList<>();
        for (ScreeningRound round : plan) {
            RoundState state = previous.getOrDefault(round.round(), RoundState.PLANNED);
            boolean dateCame = !today.isBefore(round.dueFrom());
            // Round 1 too waits for a read of the EHR: who the patient is (a child, a pregnancy) may hold it
            boolean readSince = readOn != null && !readOn.isBefore(round.dueFrom());
            if (state == RoundState.PLANNED && dateCame && readSince && !held) {
                state = RoundState.DUE;
            }
            String task = tasks.get(round.round()); // null: the EHR holds no Task for it (yet)
            if (state == RoundState.DUE && !held && today.isAfter(round.dueTo()) && task != null && NOT_TAKEN_UP.contains(task)) {
                state = RoundState.OVERDUE;
            }
            ScreeningRound progressed = round.withState(state);
            boolean ctNegative = !held && state != RoundState.PLANNED && negativeCts.contains(round.round());
            out.add(petBefore.contains(round.round()) || ctNegative ? progressed.withPetOrdered() : progressed);
        }
        return out;
    }

    /** Rounds whose PET {@code plan} orders and {@code before} did not. */
    public static List<ScreeningRound> newPets(List<ScreeningRound> plan, List<ScreeningRound> before) {
        Set<Integer> ordered = new HashSet<>();
        before.stream().filter(ScreeningRound::petOrdered).forEach(r -> ordered.add(r.round()));
        return plan.stream().filter(r -> r.petOrdered() && !ordered.contains(r.round())).toList();
    }

    public static String petReason(List<ScreeningRound> plan) {
        List<ScreeningRound> pets = plan.stream().filter(ScreeningRound::petOrdered).toList();
        return "FDG-PET ordered for " + String.join(", ", pets.stream().map(r -> "round " + r.round()).toList())
                + ": its CT thorax was recorded as negative, and a negative CT is followed by FDG-PET (EFNS 2011) [rule "
                + FDG_PET_AFTER_NEGATIVE_CT + "].";
    }

    public static List<ScreeningRound> overdue(List<ScreeningRound> plan) {
        return plan.stream().filter(r -> r.state() == RoundState.OVERDUE).toList();
    }

    public static String overdueReason(List<ScreeningRound> overdue) {
        return "Overdue: " + String.join("; ", overdue.stream().map(r -> "round " + r.round() + "'s window ended on "
                + r.dueTo() + " without the round completed").toList()) + ", so its priority is raised one step [rule "
                + ROUND_OVERDUE + "].";
    }

    /** Whether the last round's Task is completed and no round's Task is still open. */
    public static boolean complete(List<ScreeningRound> plan, Map<Integer, String> tasks) {
        if (plan.isEmpty() || !"completed".equals(tasks.get(plan.get(plan.size() - 1).round()))) {
            return false;
        }
        return plan.stream().map(r -> tasks.get(r.round())).noneMatch(s -> s == null || NOT_TAKEN_UP.contains(s)
                || STILL_WORKED_ON.contains(s));
    }

    public static String completeReason(LocalDate start, LocalDate today) {
        return "Two-year surveillance complete: the last screening round was completed (surveillance from " + start
                + " to " + today + "). Please re-evaluate if new symptoms appear: in LEMS the cancer can still appear "
                + "years later [rule " + SURVEILLANCE_COMPLETE + "].";
    }
}
