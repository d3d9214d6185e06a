package org.lemstriage.notifier.episode;

import org.hl7.fhir.r4.model.CommunicationRequest;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.lemstriage.model.fhir.EhrIdentifiers;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the EHR holds for one decision's episode, as the notifier read it.
 *
 * @param serviceRequest the episode's ServiceRequest, or null when none was written
 * @param tasks          the episode's Tasks (its group)
 * @param observations   which of the results the decision cites the EHR holds, as {@code Observation/<id>} or
 *                       {@code Condition/<id>}: only those are referenced literally
 * @param orderers       the clinicians who asked for the results, as the EHR knows them (Practitioner or
 *                       PractitionerRole references); null when not read (no message to the clinicians)
 * @param orders         the rounds' CT and PET orders (the episode is their requisition)
 * @param clinicians     which clinicians the decision's requests name the EHR holds: a Task is theirs only then
 * @param patient        how the patient is reminded, {@link PatientContact#UNREAD} when there is nothing to remind
 * @param reminders      the patient's reminders of the episode, read for a decision that ends or withdraws it only
 */
public record HeldEpisode(ServiceRequest serviceRequest, List<Task> tasks, Set<String> observations, List<String> orderers,
                          List<ServiceRequest> orders, Set<String> clinicians, PatientContact patient,
                          List<CommunicationRequest> reminders) {

    /** This episode as read again after a write: what the first read found of the results and people stands. */
    public HeldEpisode readAgain(ServiceRequest serviceRequest, List<Task> tasks, List<ServiceRequest> orders) {
        return new HeldEpisode(serviceRequest, tasks, observations, orderers, orders, clinicians, patient, reminders);
    }

    /** With whom to tell what the decision changes. */
    public HeldEpisode withPeople(List<String> readOrderers, PatientContact readPatient) {
        return new HeldEpisode(serviceRequest, tasks, observations, readOrderers, orders, clinicians, readPatient, reminders);
    }

    /**
     * The episode's Tasks (rounds, review, requests, closing), its rounds' orders and its smoking-cessation referral, by
     * business identifier value.
     */
    public Map<String, Resource> byIdentifier() {
        Map<String, Resource> byIdentifier = new HashMap<>();
        tasks.forEach(t -> t.getIdentifier().stream()
                .filter(i -> EhrIdentifiers.ROUND.equals(i.getSystem()) || EhrIdentifiers.REVIEW.equals(i.getSystem())
                        || EhrIdentifiers.CLOSING.equals(i.getSystem()))
                .findFirst().ifPresent(i -> byIdentifier.put(i.getValue(), t)));
        orders.forEach(o -> o.getIdentifier().stream()
                .filter(i -> EhrIdentifiers.ORDER.equals(i.getSystem()) || EhrIdentifiers.SMOKING_CESSATION.equals(i.getSystem()))
                .findFirst().ifPresent(i -> byIdentifier.put(i.getValue(), o)));
        return byIdentifier;
    }

    /** The status of each round's Task, by round number. */
    public Map<Integer, Task.TaskStatus> roundTaskStatuses() {
        Map<Integer, Task.TaskStatus> rounds = new HashMap<>();
        tasks.forEach(t -> t.getIdentifier().stream().filter(i -> EhrIdentifiers.ROUND.equals(i.getSystem())).findFirst()
                .flatMap(i -> EhrIdentifiers.roundOf(i.getValue())).ifPresent(n -> rounds.put(n, t.getStatus())));
        return rounds;
    }

    /** The rounds' orders the EHR holds: {@code ServiceRequest/<id>} by business identifier value. */
    public Map<String, String> orderIds() {
        Map<String, String> ids = new HashMap<>();
        orders.forEach(o -> ids.put(o.getIdentifierFirstRep().getValue(), "ServiceRequest/" + o.getIdElement().getIdPart()));
        return ids;
    }
}
