package org.lemstriage.notifier.episode;

import org.hl7.fhir.r4.model.Reference;
import org.lemstriage.model.event.ClinicianRequest;
import org.lemstriage.model.event.TriageDecision;
import org.lemstriage.model.event.TriageDecision.Action;
import org.lemstriage.model.event.TriageDecision.EpisodeKind;
import org.lemstriage.model.event.TriageDecision.ScreeningRound;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a decision wants in its episode, one {@link PlannedResource} per Task or order: a screening episode's rounds,
 * each with its CT and PET orders and its Task; a clinician-review episode's one review Task; once closed, only the
 * closing Task; besides, one Task per question the decision asks a clinician, and the smoking-cessation referral of a
 * patient who smoked at diagnosis; nothing on RETRACT. Orders come first: their Tasks focus on them.
 */
public final class EpisodePlan {
    private EpisodePlan() {
    }

    public static List<PlannedResource> of(Decided decided) {
        TriageDecision decision = decided.decision();
        if (decision.action() == Action.RETRACT) {
            return List.of();
        }
        List<PlannedResource> planned = new ArrayList<>();
        if (decision.closure() != null) {
            planned.add(new ClosingTask(decided));
        } else if (decision.kind() == EpisodeKind.CLINICIAN_REVIEW) {
            planned.add(new ReviewTask(decided));
        } else {
            planned.addAll(rounds(decided));
        }
        for (ClinicianRequest request : decision.requests()) {
            planned.add(new RequestTask(decided, request));
        }
        SmokingCessationReferral.of(decided).ifPresent(planned::add);
        return planned;
    }

    /** Each round's CT and PET orders first, then the rounds' Tasks, which focus on their CT. */
    private static List<PlannedResource> rounds(Decided decided) {
        Map<String, String> heldOrders = decided.held().orderIds();
        List<PlannedResource> orders = new ArrayList<>();
        List<PlannedResource> tasks = new ArrayList<>();
        for (ScreeningRound round : decided.decision().plan()) {
            CtOrder ct = new CtOrder(decided, round);
            orders.add(ct);
            orders.add(new PetOrder(decided, round));
            Reference ctOrder = new Reference(heldOrders.getOrDefault(ct.identifier(), EntryUrls.of(ct.type(), ct.identifier())));
            tasks.add(new RoundTask(decided, round, ctOrder));
        }
        orders.addAll(tasks);
        return orders;
    }
}
