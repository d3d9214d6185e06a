package org.lemstriage.notifier.episode;

import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.lemstriage.model.event.TriageDecision;
import org.lemstriage.model.fhir.EhrIdentifiers;

import java.util.Map;
import java.util.Optional;

/**
 * A Task or order the EHR holds that the decision no longer wants (rounds dropped from the plan; everything open on
 * RETRACT and CLOSE; never the smoking-cessation referral), withdrawn with the reason: an open Task cancelled ({@link EpisodeTask#withdrawn}), an order
 * revoked ({@link RoundOrder#withdrawn}).
 */
public final class Withdrawal {
    private Withdrawal() {
    }

    /** Empty when it stays as it is. */
    public static Optional<Resource> of(Resource held, TriageDecision decision, Map<Integer, Task.TaskStatus> roundTasks) {
        String reason = reason(decision);
        if (held instanceof Task task) {
            return EpisodeTask.withdrawn(task, reason);
        }
        ServiceRequest order = (ServiceRequest) held;
        if (SmokingCessationReferral.is(order)) {
            return Optional.empty(); // the clinic's once written: stopping smoking is no less indicated if the episode goes
        }
        Task.TaskStatus roundTask = EhrIdentifiers.roundOf(order.getIdentifierFirstRep().getValue()).map(roundTasks::get).orElse(null);
        return RoundOrder.withdrawn(order, reason, roundTask);
    }

    private static String reason(TriageDecision decision) {
        return switch (decision.action()) {
            case RETRACT -> "Withdrawn by lems-triage, decision " + decision.decisionId() + ": the evidence that opened this "
                    + "screening was withdrawn or screening is no longer indicated. " + decision.explanation();
            case CLOSE -> "Screening ended by lems-triage, decision " + decision.decisionId() + ". " + decision.explanation();
            default -> "No longer in the screening plan (lems-triage decision " + decision.decisionId() + ", tier "
                    + decision.tier() + ")";
        };
    }
}
