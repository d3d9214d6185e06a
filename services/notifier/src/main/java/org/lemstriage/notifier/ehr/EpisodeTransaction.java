package org.lemstriage.notifier.ehr;

import ca.uhn.fhir.rest.gclient.TokenClientParam;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CommunicationRequest;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.lemstriage.ehrclient.ConditionalUrl;
import org.lemstriage.model.event.TriageDecision;
import org.lemstriage.model.event.TriageDecision.Action;
import org.lemstriage.model.fhir.EhrIdentifiers;
import org.lemstriage.notifier.NotifierConfig;
import org.lemstriage.notifier.episode.ClinicianMessage;
import org.lemstriage.notifier.episode.Decided;
import org.lemstriage.notifier.episode.EntryUrls;
import org.lemstriage.notifier.episode.EpisodeEvent;
import org.lemstriage.notifier.episode.EpisodePlan;
import org.lemstriage.notifier.episode.EpisodeProvenance;
import org.lemstriage.notifier.episode.EpisodeRequest;
import org.lemstriage.notifier.episode.HeldEpisode;
import org.lemstriage.notifier.episode.PatientReminders;
import org.lemstriage.notifier.episode.PlannedResource;
import org.lemstriage.notifier.episode.ReminderTexts;
import org.lemstriage.notifier.episode.Withdrawal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One decision compared with what the EHR holds for its episode ({@link HeldEpisode}), as one transaction Bundle, or
 * as the differences that remain after a write:
 * <ul>
 * <li>what does not exist is created with a conditional create on its business identifier, so even a transaction
 *     sent twice cannot create anything twice;</li>
 * <li>what exists and lems-triage may still change is changed in place, with If-Match on the version read, so a
 *     change the oncology team made meanwhile is never overwritten (the EHR answers 412 and the write is redone);</li>
 * <li>what the team took up, and orders radiology finished or revoked, are left alone;</li>
 * <li>what the decision no longer wants is withdrawn with the reason ({@link Withdrawal});</li>
 * <li>what the write changes that people should hear of ({@link EpisodeEvent}) is told in the same transaction: the
 *     patient's reminders ({@link PatientReminders}) and the clinicians' messages ({@link ClinicianMessage}), each by
 *     conditional create, so a change and its message are written together or not at all, and never twice.</li>
 * </ul>
 * What each Task or order is, is its {@link PlannedResource}'s ({@link EpisodePlan}). The ServiceRequest records the
 * decision version applied; a decision no newer than it writes nothing, so redelivery and replay are harmless.
 */
@ApplicationScoped
public class EpisodeTransaction {
    private final Reference worklist;
    private final PatientReminders reminders;

    @Inject
    public EpisodeTransaction(NotifierConfig config) {
        this(config.worklist(), new PatientReminders(config.patientReminders().enabled(), config.patientReminders().medium(),
                new ReminderTexts(config.patientReminders().contact())));
    }

    public EpisodeTransaction(String worklist, PatientReminders reminders) {
        this.worklist = new Reference(worklist);
        this.reminders = reminders;
    }

    /** The transaction to send, or empty when the EHR already reflects this decision or a newer one. */
    public Optional<Bundle> build(TriageDecision decision, HeldEpisode held) {
        return compose(decision, held).map(Composed::transaction);
    }

    /** The transaction to send, and what it tells whom; empty when the EHR already reflects this decision or a newer one. */
    public Optional<Composed> compose(TriageDecision decision, HeldEpisode held) {
        ServiceRequest heldRequest = held.serviceRequest();
        if (heldRequest != null && EpisodeRequest.appliedVersion(heldRequest) >= decision.version()) {
            return Optional.empty();
        }
        if (heldRequest == null && decision.action() == Action.RETRACT) {
            return Optional.empty(); // nothing was ever written for this episode: nothing to withdraw
        }
        Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        List<Reference> targets = new ArrayList<>();
        List<EpisodeEvent> events = new ArrayList<>();
        String srUrl = EntryUrls.of("sr", decision.episodeId());
        Decided decided = decided(decision, held, heldRequest == null ? srUrl : "ServiceRequest/" + heldRequest.getIdElement().getIdPart());
        ServiceRequest sr = EpisodeRequest.of(decided, heldRequest);
        if (heldRequest == null) {
            create(tx, srUrl, sr, EhrIdentifiers.EPISODE, decision.episodeId());
        } else {
            update(tx, srUrl, sr, heldRequest);
            if (decision.action() == Action.RETRACT) {
                events.add(EpisodeEvent.of(EpisodeEvent.Kind.WITHDRAWN));
            }
        }
        targets.add(new Reference(srUrl));

        Map<String, Resource> byIdentifier = held.byIdentifier();
        List<Step> steps = steps(decided, byIdentifier);
        if (heldRequest == null) {
            events.add(new EpisodeEvent(EpisodeEvent.Kind.OPENED, null, null, firstRoundToTheWorklist(steps)));
        }
        for (Step step : steps) {
            String url = EntryUrls.of(step.planned().type(), step.planned().identifier());
            if (step.existing() == null) {
                create(tx, url, step.written(), step.planned().system(), step.planned().identifier());
            } else if (step.written() != null) {
                update(tx, url, step.written(), step.existing());
            }
            if (step.written() != null) {
                targets.add(new Reference(url));
                events.addAll(step.planned().events(step.existing(), step.written()));
            }
        }
        Map<Integer, Task.TaskStatus> roundTasks = held.roundTaskStatuses();
        List<Reference> cancelledTasks = new ArrayList<>();
        for (Resource leftover : byIdentifier.values()) {
            Withdrawal.of(leftover, decision, roundTasks).ifPresent(withdrawn -> {
                String url = EntryUrls.of(leftover.fhirType(), leftover.getIdElement().getIdPart());
                update(tx, url, withdrawn, leftover);
                targets.add(new Reference(url));
                if (withdrawn instanceof Task) {
                    cancelledTasks.add(new Reference("Task/" + leftover.getIdElement().getIdPart()));
                }
            });
        }
        if (PatientReminders.ends(decision)) {
            for (CommunicationRequest reminder : held.reminders()) {
                PatientReminders.revoked(reminder).ifPresent(revoked -> {
                    String url = EntryUrls.of("CommunicationRequest", reminder.getIdElement().getIdPart());
                    update(tx, url, revoked, reminder);
                    targets.add(new Reference(url));
                });
            }
        }
        cancelledTasks.sort(Comparator.comparing(Reference::getReference));
        List<String> withheld = tell(tx, decided, events, targets, cancelledTasks);
        // A resent transaction rewrites the Provenance, never adds one
        var provenance = EpisodeProvenance.of(decision, targets);
        tx.addEntry().setFullUrl(EntryUrls.of("provenance", decision.decisionId())).setResource(provenance).getRequest()
                .setMethod(Bundle.HTTPVerb.PUT).setUrl("Provenance/" + provenance.getIdElement().getIdPart());
        return Optional.of(new Composed(tx, events, withheld));
    }

    /**
     * A transaction to send: the Bundle, what it changes that people should hear of, and which of those messages were
     * not written and why (ids and reasons only, for the AuditEvent).
     */
    public record Composed(Bundle transaction, List<EpisodeEvent> events, List<String> withheld) {
    }

    /** What writing this decision would change that people should hear of: whom to read before the write. */
    public List<EpisodeEvent> events(TriageDecision decision, HeldEpisode held) {
        return compose(decision, held).map(Composed::events).orElse(List.of());
    }

    /** The business identifier of the first round Task the opening sends to the worklist (requested), or null. */
    private static String firstRoundToTheWorklist(List<Step> steps) {
        return steps.stream().filter(s -> s.existing() == null && EhrIdentifiers.ROUND.equals(s.planned().system())
                        && s.written() instanceof Task task && task.getStatus() == Task.TaskStatus.REQUESTED)
                .map(s -> s.planned().identifier()).findFirst().orElse(null);
    }

    /**
     * The reminders and messages of the events, each a conditional create; what is not written, and why. A withdrawal's
     * message links the Tasks it cancelled ({@code cancelledTasks}).
     */
    private List<String> tell(Bundle tx, Decided decided, List<EpisodeEvent> events, List<Reference> targets,
                              List<Reference> cancelledTasks) {
        List<String> withheld = new ArrayList<>();
        Optional<String> notToPatient = reminders.withheld(decided);
        List<String> clinicians = decided.toTell();
        // What the opening asks is told in the opening's message: one message when the episode opens
        List<EpisodeEvent> askedWithOpening = events.stream().anyMatch(e -> e.kind() == EpisodeEvent.Kind.OPENED)
                ? events.stream().filter(e -> e.kind() == EpisodeEvent.Kind.REVIEW_NEEDED).toList() : List.of();
        for (EpisodeEvent event : events) {
            if (event.forPatient()) {
                String identifier = reminders.identifier(decided, event);
                if (notToPatient.isPresent()) {
                    withheld.add("patient reminder " + identifier + " withheld: " + notToPatient.get());
                } else {
                    String url = EntryUrls.of("reminder", identifier);
                    create(tx, url, reminders.create(decided, event), EhrIdentifiers.PATIENT_REMINDER, identifier);
                    targets.add(new Reference(url));
                }
            }
            if (event.forClinicians() && !askedWithOpening.contains(event)) {
                ClinicianMessage message = new ClinicianMessage(decided, event, clinicians,
                        event.kind() == EpisodeEvent.Kind.OPENED ? askedWithOpening : List.of(),
                        event.kind() == EpisodeEvent.Kind.WITHDRAWN ? cancelledTasks : List.of());
                if (clinicians.isEmpty()) {
                    withheld.add("clinician message " + message.identifier() + " not sent: no ordering or responsible "
                            + "clinician the EHR holds");
                } else {
                    String url = EntryUrls.of("communication", message.identifier());
                    create(tx, url, message.create(), EhrIdentifiers.NOTICE, message.identifier());
                    targets.add(new Reference(url));
                }
            }
        }
        return withheld;
    }

    /**
     * How what the EHR holds differs from what the decision says, in round numbers and versions only: empty when the
     * episode is as decided, or when a newer decision has since been applied. What the oncology team has taken up
     * counts as it is.
     */
    public List<String> differences(TriageDecision decision, HeldEpisode held) {
        ServiceRequest sr = held.serviceRequest();
        if (sr == null) {
            return decision.action() == Action.RETRACT ? List.of() : List.of("no ServiceRequest for the episode");
        }
        int applied = EpisodeRequest.appliedVersion(sr);
        if (applied > decision.version()) {
            return List.of();
        }
        List<String> differences = new ArrayList<>();
        if (applied < decision.version()) {
            differences.add("ServiceRequest holds decision version " + applied + ", not " + decision.version());
        }
        Map<String, Resource> byIdentifier = held.byIdentifier();
        for (Step step : steps(decided(decision, held, "ServiceRequest/" + sr.getIdElement().getIdPart()), byIdentifier)) {
            if (step.existing() == null) {
                differences.add(step.planned().label() + " missing");
            } else if (step.written() != null) {
                differences.add(step.planned().label() + " not as decided");
            }
        }
        Map<Integer, Task.TaskStatus> roundTasks = held.roundTaskStatuses();
        byIdentifier.forEach((identifier, resource) -> {
            if (Withdrawal.of(resource, decision, roundTasks).isPresent()) {
                differences.add(PlannedResource.labelOf(identifier) + " still open");
            }
        });
        return differences;
    }

    /**
     * One Task or order the decision wants: what the EHR holds of it ({@code existing}, null when absent: taken out of
     * {@code byIdentifier}, which keeps what the decision no longer wants), and what to write ({@code written}: the new
     * resource, the changed one, or null when the EHR holds it as decided or it is no longer lems-triage's to change).
     */
    private record Step(PlannedResource planned, Resource existing, Resource written) {
    }

    private static List<Step> steps(Decided decided, Map<String, Resource> byIdentifier) {
        List<Step> steps = new ArrayList<>();
        for (PlannedResource planned : EpisodePlan.of(decided)) {
            Resource existing = byIdentifier.remove(planned.identifier());
            steps.add(new Step(planned, existing, existing == null ? planned.create() : changed(existing, planned).orElse(null)));
        }
        return steps;
    }

    private Decided decided(TriageDecision decision, HeldEpisode held, String episodeRequest) {
        return new Decided(decision, held, new Reference(episodeRequest), worklist);
    }

    /** What lems-triage may still change, as the decision would have it, if that differs from what the EHR holds. */
    private static Optional<Resource> changed(Resource existing, PlannedResource planned) {
        Resource current = planned.reopened(existing).orElse(existing);
        if (!planned.changeable(current)) {
            return Optional.empty();
        }
        Resource changed = current.copy();
        planned.apply(changed);
        return changed.equalsDeep(existing) ? Optional.empty() : Optional.of(changed);
    }

    private static void create(Bundle tx, String fullUrl, Resource resource, String system, String value) {
        tx.addEntry().setFullUrl(fullUrl).setResource(resource).getRequest().setMethod(Bundle.HTTPVerb.POST)
                .setUrl(resource.fhirType())
                .setIfNoneExist(ConditionalUrl.query(new TokenClientParam("identifier").exactly().systemAndCode(system, value)));
    }

    private static void update(Bundle tx, String fullUrl, Resource resource, Resource read) {
        tx.addEntry().setFullUrl(fullUrl).setResource(resource).getRequest().setMethod(Bundle.HTTPVerb.PUT)
                .setUrl(resource.fhirType() + "/" + read.getIdElement().getIdPart())
                .setIfMatch("W/\"" + read.getMeta().getVersionId() + "\"");
    }
}
