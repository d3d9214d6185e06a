package org.lemstriage.notifier.episode;

import org.lemstriage.model.event.ClinicianRequest;
import org.lemstriage.model.event.TriageDecision.ScreeningRound;

/**
 * Something a decision changes in its episode that people should hear of: a round released to the worklist, a round
 * overdue, an FDG-PET ordered, a clinician's review asked, the episode opened, ended or withdrawn. Found by comparing
 * what the EHR holds with what the transaction writes, so each is seen once: in the transaction that makes the
 * change, beside the message about it.
 *
 * @param round   the round, for round events; else null
 * @param request the question, for a review asked by a request; else null (the review of an old result)
 * @param task    the business identifier of the Task the event is about, or null
 * @param reopenedBy the version of the decision that reopened what the event is about after lems-triage withdrew it
 *                (the episode ended, then a tumour record was entered in error), or null: the same event again, told
 *                again, under its own identifier
 */
public record EpisodeEvent(Kind kind, ScreeningRound round, ClinicianRequest request, String task, Integer reopenedBy) {

    public EpisodeEvent(Kind kind, ScreeningRound round, ClinicianRequest request, String task) {
        this(kind, round, request, task, null);
    }

    /** The same event, of something the decision of this version reopened. */
    EpisodeEvent reopened(int decisionVersion) {
        return new EpisodeEvent(kind, round, request, task, decisionVersion);
    }

    public enum Kind {
        /** The episode's first write. */
        OPENED,
        /** A round's Task goes to the worklist (requested): the patient is reminded. */
        ROUND_RELEASED,
        /** A released round's window passed: the patient is reminded again, and the clinicians told. */
        ROUND_OVERDUE,
        /** A round's FDG-PET order becomes active (its CT was negative). */
        PET_ORDERED,
        /** A Task asking a clinician something is written. */
        REVIEW_NEEDED,
        /** A tumour that explains the LEMS was recorded: the surveillance ended. */
        TUMOUR_RECORDED,
        /** The last round was completed: the surveillance is complete. */
        SURVEILLANCE_COMPLETE,
        /** A clinician declined the screening of a held plan. */
        SCREENING_DECLINED,
        /** The evidence was withdrawn: the episode is withdrawn. */
        WITHDRAWN
    }

    public static EpisodeEvent of(Kind kind) {
        return new EpisodeEvent(kind, null, null, null);
    }

    /** Whether the patient is reminded of it: a round released, or overdue. */
    public boolean forPatient() {
        return kind == Kind.ROUND_RELEASED || kind == Kind.ROUND_OVERDUE;
    }

    /** Whether the clinicians are told: everything but a round released on its schedule (the worklist has it). */
    public boolean forClinicians() {
        return kind != Kind.ROUND_RELEASED;
    }

    /**
     * The event within its episode, unique per round, question or decision version: the message's business identifier
     * ends in it, so the transaction sent again writes no second message.
     */
    String key(int decisionVersion) {
        return switch (kind) {
            case ROUND_RELEASED, ROUND_OVERDUE, PET_ORDERED -> "round-" + round.round() + "/" + roundEvent();
            case OPENED -> "opened";
            case REVIEW_NEEDED -> request == null ? "review" : "review/" + request.id();
            case TUMOUR_RECORDED, SURVEILLANCE_COMPLETE, SCREENING_DECLINED -> "closed/v" + decisionVersion;
            case WITHDRAWN -> "withdrawn/v" + decisionVersion;
        };
    }

    /** A round's event as identifiers end in it: released, overdue or pet-ordered, and when reopened, by which version. */
    String roundEvent() {
        String name = switch (kind) {
            case ROUND_RELEASED -> "released";
            case ROUND_OVERDUE -> "overdue";
            case PET_ORDERED -> "pet-ordered";
            default -> throw new IllegalStateException("not a round's event: " + kind);
        };
        return reopenedBy == null ? name : name + "/reopened-v" + reopenedBy;
    }
}
