package org.lemstriage.model.event;

import org.lemstriage.model.terminology.Analyte;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * A change in one patient's triage, as published on {@code triage.decision.v1} (key: patient key).
 *
 * @param decisionId      stable per episode and version: {@code episodeId + "/" + version}; a resend is the same id
 * @param episodeId       one screening episode per patient; every business identifier written to the EHR derives from it
 * @param version         1 for OPEN, incremented by every UPDATE or RETRACT of the episode
 * @param patientKey      the Kafka key; {@link org.lemstriage.model.PatientKey#toReference} gives the EHR reference
 * @param action          what the EHR must do with the episode
 * @param tier            the screening tier
 * @param evidence        the antibody results the decision rests on
 * @param rulesFired      ids of the rules that fired, e.g. {@code VGCC-PQ-POSITIVE@1}
 * @param rulesetVersion  the ruleset version that decided
 * @param explanation     plain-language text for a clinician
 * @param plan            the screening rounds, empty when no screening is indicated
 * @param decidedAt       when the classifier decided
 * @param context         whether the EHR's clinical context was read
 * @param deltaP          the six DELTA-P items with value and source; all UNKNOWN when the context was not read
 * @param deltaPScore     points from PRESENT items only
 * @param kind            SCREENING (rounds of CT thorax) or CLINICIAN_REVIEW (no rounds: a clinician decides);
 *                        SCREENING when not given
 * @param closure         why the episode ended (a CLOSE decision, and an UPDATE of a closed episode); null otherwise
 * @param requests        what the decision asks of clinicians, each a Task of the episode; never null
 * @param hold            why the plan waits for a clinician, or null: nothing is released meanwhile
 */
public record TriageDecision(
        String decisionId,
        String episodeId,
        int version,
        String patientKey,
        Action action,
        Tier tier,
        List<Evidence> evidence,
        List<String> rulesFired,
        String rulesetVersion,
        String explanation,
        List<ScreeningRound> plan,
        Instant decidedAt,
        ContextStatus context,
        List<DeltaPItem> deltaP,
        int deltaPScore,
        EpisodeKind kind,
        Closure closure,
        List<ClinicianRequest> requests,
        Hold hold) {

    public TriageDecision {
        kind = kind == null ? EpisodeKind.SCREENING : kind;
        requests = requests == null ? List.of() : requests;
    }

    /** A decision that asks clinicians nothing and holds nothing. */
    public TriageDecision(String decisionId, String episodeId, int version, String patientKey, Action action, Tier tier,
                          List<Evidence> evidence, List<String> rulesFired, String rulesetVersion, String explanation,
                          List<ScreeningRound> plan, Instant decidedAt, ContextStatus context, List<DeltaPItem> deltaP,
                          int deltaPScore, EpisodeKind kind, Closure closure) {
        this(decisionId, episodeId, version, patientKey, action, tier, evidence, rulesFired, rulesetVersion, explanation,
                plan, decidedAt, context, deltaP, deltaPScore, kind, closure, List.of(), null);
    }

    /**
     * Why a plan waits for a clinician. CONFIRMATION: no rounds are written until LEMS is confirmed or
     * a test repeated (the episode's ServiceRequest is a draft proposal). CLINICIAN_DECISION: the rounds are written
     * with every order on hold, and none is released until a clinician decides (a child, a pregnancy).
     */
    public enum Hold { CONFIRMATION, CLINICIAN_DECISION }

    /**
     * SCREENING: the plan's rounds are written as Tasks. CLINICIAN_REVIEW: the positive result is too old to start
     * surveillance from: one review Task, no rounds.
     */
    public enum EpisodeKind { SCREENING, CLINICIAN_REVIEW }

    /** Whether the decision could use the EHR's clinical context. */
    public enum ContextStatus { AVAILABLE, UNAVAILABLE }

    /**
     * OPEN a new episode; UPDATE it (tier, evidence, plan, a round released or overdue, a closed episode reopened);
     * RETRACT it (its evidence was withdrawn: every open Task cancelled); CLOSE it (a tumour was recorded, a clinician
     * declined, or the surveillance is complete: see {@link Closure}). A later CLOSE of a closed episode restates its
     * closure with a new question for a clinician (a result that arrived after it).
     */
    public enum Action { OPEN, UPDATE, RETRACT, CLOSE }

    /**
     * Why an episode ends. TUMOUR_RECORDED: the EHR gained a confirmed, active cancer that explains LEMS (small-cell
     * lung cancer, or another cancer a clinician said explains it; {@code reference} names the Condition): open rounds
     * are cancelled and oncological care takes over. SURVEILLANCE_COMPLETE: the last round was completed: one closing
     * review Task. CLINICIAN_DECLINED: a clinician answered no to screening a held plan ({@code reference} is null).
     *
     * @param lemsTumour for a tumour recorded, whether its code is on the ruleset's list of the tumour that explains
     *                   LEMS (code list {@code lemsTumour}: small-cell lung cancer, and what a site adds), rather than
     *                   another cancer a clinician said explains it; null for the other reasons, and in decisions made
     *                   before the classifier said so
     */
    public record Closure(Reason reason, String reference, LocalDate date, Boolean lemsTumour) {
        public enum Reason { TUMOUR_RECORDED, SURVEILLANCE_COMPLETE, CLINICIAN_DECLINED }

        public Closure(Reason reason, String reference, LocalDate date) {
            this(reason, reference, date, null);
        }
    }

    public enum Tier { HIGH, INTERMEDIATE, LOW, NONE }

    /**
     * One antibody result behind the decision, with a reference to its source Observation and who asked for it
     * ({@link LabResult#orderedBy()}: the ordering clinician is told too; never null).
     */
    public record Evidence(String observationReference, Analyte analyte, String status, BigDecimal value, String unit,
                           String comparator, LabResult.Qualitative result, List<String> orderedBy) {
        public Evidence {
            orderedBy = orderedBy == null ? List.of() : orderedBy;
        }

        public Evidence(String observationReference, Analyte analyte, String status, BigDecimal value, String unit,
                        String comparator, LabResult.Qualitative result) {
            this(observationReference, analyte, status, value, unit, comparator, result, List.of());
        }
    }

    /**
     * One screening round: what to do, the window in which it is due, where it stands (PLANNED when not given), and
     * whether its FDG-PET is ordered.
     */
    public record ScreeningRound(int round, String procedure, LocalDate dueFrom, LocalDate dueTo, RoundState state,
                                 boolean petOrdered) {
        public ScreeningRound {
            state = state == null ? RoundState.PLANNED : state;
        }

        public ScreeningRound(int round, String procedure, LocalDate dueFrom, LocalDate dueTo) {
            this(round, procedure, dueFrom, dueTo, RoundState.PLANNED, false);
        }

        public ScreeningRound(int round, String procedure, LocalDate dueFrom, LocalDate dueTo, RoundState state) {
            this(round, procedure, dueFrom, dueTo, state, false);
        }

        public ScreeningRound withState(RoundState newState) {
            return new ScreeningRound(round, procedure, dueFrom, dueTo, newState, petOrdered);
        }

        /** The round's FDG-PET ordered: its CT thorax was recorded as negative (EFNS 2011). */
        public ScreeningRound withPetOrdered() {
            return new ScreeningRound(round, procedure, dueFrom, dueTo, state, true);
        }
    }

    /**
     * PLANNED: not yet due (the Task waits on-hold). DUE: released to the worklist (requested). OVERDUE: its window
     * passed without the round completed: priority one step up, and the worklist is told in the Task's note.
     */
    public enum RoundState { PLANNED, DUE, OVERDUE }
}
