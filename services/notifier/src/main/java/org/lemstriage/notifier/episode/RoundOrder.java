package org.lemstriage.notifier.episode;

import org.hl7.fhir.r4.model.Annotation;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Task;
import org.lemstriage.model.event.TriageDecision;
import org.lemstriage.model.event.TriageDecision.ScreeningRound;
import org.lemstriage.model.fhir.EhrIdentifiers;

import java.time.ZoneOffset;
import java.util.Date;
import java.util.Optional;
import java.util.Set;

/**
 * What a round's two orders share: an order a radiology system can schedule, one of the episode's orders
 * (requisition) under its ServiceRequest (basedOn), on hold until released. lems-triage may change it while it waits
 * or is active (radiology completes or revokes an active order itself; lems-triage only raises its priority or moves
 * its window).
 */
abstract class RoundOrder implements PlannedResource {
    private static final Set<ServiceRequest.ServiceRequestStatus> WAITING = Set.of(ServiceRequest.ServiceRequestStatus.DRAFT,
            ServiceRequest.ServiceRequestStatus.ONHOLD);
    private static final Set<ServiceRequest.ServiceRequestStatus> CHANGEABLE = Set.of(ServiceRequest.ServiceRequestStatus.DRAFT,
            ServiceRequest.ServiceRequestStatus.ONHOLD, ServiceRequest.ServiceRequestStatus.ACTIVE);

    final Decided decided;
    final ScreeningRound round;

    RoundOrder(Decided decided, ScreeningRound round) {
        this.decided = decided;
        this.round = round;
    }

    @Override
    public String type() {
        return "ServiceRequest";
    }

    @Override
    public String system() {
        return EhrIdentifiers.ORDER;
    }

    abstract CodeableConcept code();

    /** Whether the decision releases the order to radiology. */
    abstract boolean released();

    /** What the order is, in its note. */
    abstract String what();

    @Override
    public Resource create() {
        ServiceRequest order = new ServiceRequest();
        order.addIdentifier(new Identifier().setSystem(system()).setValue(identifier()));
        order.setRequisition(new Identifier().setSystem(EhrIdentifiers.EPISODE).setValue(decided.episodeId()));
        order.addBasedOn(decided.episodeRequest());
        order.setStatus(ServiceRequest.ServiceRequestStatus.ONHOLD);
        order.setIntent(ServiceRequest.ServiceRequestIntent.ORDER);
        order.setCode(code());
        order.setSubject(decided.patient());
        order.setAuthoredOn(Date.from(decided.decision().decidedAt()));
        apply(order);
        return order;
    }

    /** Released when the decision says so; an overdue round's priority one step up; the window and the note. */
    @Override
    public void apply(Resource existing) {
        ServiceRequest order = (ServiceRequest) existing;
        if (released() && order.getStatus() == ServiceRequest.ServiceRequestStatus.ONHOLD) {
            order.setStatus(ServiceRequest.ServiceRequestStatus.ACTIVE);
        }
        boolean overdue = round.state() == TriageDecision.RoundState.OVERDUE;
        order.setPriority(decided.high()
                ? (overdue ? ServiceRequest.ServiceRequestPriority.ASAP : ServiceRequest.ServiceRequestPriority.URGENT)
                : (overdue ? ServiceRequest.ServiceRequestPriority.URGENT : ServiceRequest.ServiceRequestPriority.ROUTINE));
        order.setOccurrence(window(round));
        order.setReasonReference(decided.results());
        order.getNote().removeIf(Decided::byLemsTriage);
        order.addNote(Decided.note("Screening round " + round.round() + " of " + decided.decision().plan().size() + ": "
                + what() + ". " + decided.decision().explanation()));
    }

    static Period window(ScreeningRound round) {
        return new Period().setStart(Date.from(round.dueFrom().atStartOfDay(ZoneOffset.UTC).toInstant()))
                .setEnd(Date.from(round.dueTo().atStartOfDay(ZoneOffset.UTC).toInstant()));
    }

    @Override
    public boolean changeable(Resource held) {
        return CHANGEABLE.contains(((ServiceRequest) held).getStatus());
    }

    /** An order lems-triage revoked, wanted again: on hold again, its withdrawal note removed. */
    @Override
    public Optional<Resource> reopened(Resource held) {
        ServiceRequest order = (ServiceRequest) held;
        if (order.getStatus() != ServiceRequest.ServiceRequestStatus.REVOKED || order.getNote().stream().noneMatch(RoundOrder::withdrawal)) {
            return Optional.empty();
        }
        ServiceRequest reopened = order.copy().setStatus(ServiceRequest.ServiceRequestStatus.ONHOLD);
        reopened.getNote().removeIf(RoundOrder::withdrawal);
        return Optional.of(reopened);
    }

    /**
     * An order the decision no longer wants: revoked, with the reason in a note (R4 ServiceRequest has no
     * statusReason), when it waits, or is active while its round's Task ({@code roundTask}, null when absent) is not
     * taken up. An order whose round the team took up is theirs.
     */
    static Optional<Resource> withdrawn(ServiceRequest order, String reason, Task.TaskStatus roundTask) {
        boolean revoke = WAITING.contains(order.getStatus()) || (order.getStatus() == ServiceRequest.ServiceRequestStatus.ACTIVE
                && (roundTask == null || EpisodeTask.OPEN.contains(roundTask)));
        if (!revoke) {
            return Optional.empty();
        }
        ServiceRequest revoked = order.copy().setStatus(ServiceRequest.ServiceRequestStatus.REVOKED);
        revoked.addNote(new Annotation().setAuthor(new StringType(EhrIdentifiers.WITHDRAWN_BY_LEMS_TRIAGE)).setText(reason));
        return Optional.of(revoked);
    }

    private static boolean withdrawal(Annotation note) {
        return note.hasAuthorStringType() && EhrIdentifiers.WITHDRAWN_BY_LEMS_TRIAGE.equals(note.getAuthorStringType().getValue());
    }
}
