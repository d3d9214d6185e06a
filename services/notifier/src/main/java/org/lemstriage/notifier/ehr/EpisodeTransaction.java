package org.lemstriage.notifier.ehr;

import org.lemstriage.model.fhir.EhrIdentifiers;

import jakarta.enterprise.context.ApplicationScoped;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.lemstriage.model.event.TriageDecision;
import org.lemstriage.model.event.TriageDecision.Action;
import org.lemstriage.model.event.TriageDecision.EpisodeKind;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One decision against what the EHR already holds for its episode, as one transaction Bundle:
 * <ul>
 * <li>what does not exist is created with a conditional create on its business identifier, so even a transaction
 *     sent twice cannot create anything twice;</li>
 * <li>what exists and is still open (requested, on-hold) is changed in place, with If-Match on the version read, so
 *     a change the oncology team made meanwhile is never overwritten (the EHR answers 412 and the write is redone);</li>
 * <li>Tasks the team has taken up (in progress, completed, ...) are left alone;</li>
 * <li>open Tasks of rounds no longer in the plan, and all open Tasks on RETRACT, are cancelled with the reason.</li>
 * </ul>
 * The ServiceRequest records the decision version applied; a decision no newer than it writes nothing, so
 * redelivery and replay of the topic are harmless.
 */
@ApplicationScoped
public class EpisodeTransaction {
    private static final Set<Task.TaskStatus> OPEN = Set.of(Task.TaskStatus.REQUESTED, Task.TaskStatus.ONHOLD, Task.TaskStatus.DRAFT);

    private final ScreeningEpisode episode;

    public EpisodeTransaction(ScreeningEpisode episode) {
        this.episode = episode;
    }

    /**
     * What the EHR holds for an episode: its ServiceRequest (or null), its Tasks, which of the Observations the
     * decision cites it holds ({@code Observation/<id>}), and the clinicians who asked for them, as the EHR knows them
     * (Practitioner or PractitionerRole references; read for an OPEN only).
     */
    public record Current(ServiceRequest serviceRequest, List<Task> tasks, Set<String> observations, List<String> orderers) {
        public Current(ServiceRequest serviceRequest, List<Task> tasks, Set<String> observations) {
            this(serviceRequest, tasks, observations, List.of());
        }
    }

    /** The transaction to send, or empty when the EHR already reflects this decision or a newer one. */
    public Optional<Bundle> build(TriageDecision decision, Current current) {
        if (current.serviceRequest() != null && appliedVersion(current.serviceRequest()) >= decision.version()) {
            return Optional.empty();
        }
        Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        List<Reference> targets = new ArrayList<>();

        ServiceRequest sr = episode.serviceRequest(decision, current.observations());
        String srUrl = urn("sr|" + decision.episodeId());
        Reference focus;
        if (current.serviceRequest() == null) {
            if (decision.action() == Action.RETRACT) {
                return Optional.empty(); // nothing was ever written for this episode: nothing to withdraw
            }
            create(tx, srUrl, sr, "ServiceRequest", EhrIdentifiers.EPISODE, decision.episodeId());
            focus = new Reference(srUrl);
        } else {
            ServiceRequest existing = current.serviceRequest();
            sr.setId(existing.getIdElement().getIdPart());
            sr.setAuthoredOnElement(existing.getAuthoredOnElement());
            update(tx, srUrl, sr, existing);
            focus = new Reference("ServiceRequest/" + existing.getIdElement().getIdPart());
        }
        targets.add(new Reference(srUrl));

        Map<String, Task> byIdentifier = byIdentifier(current);
        for (PlannedTask planned : planned(decision, current.observations())) {
            Task existing = byIdentifier.remove(planned.identifier());
            String url = urn("task|" + planned.identifier());
            if (existing == null) {
                create(tx, url, planned.create(focus), "Task", planned.system(), planned.identifier());
                targets.add(new Reference(url));
            } else {
                Optional<Task> changed = changed(existing, planned);
                if (changed.isPresent()) {
                    update(tx, url, changed.get(), existing);
                    targets.add(new Reference(url));
                }
            }
        }
        for (Task leftover : byIdentifier.values()) {
            if (OPEN.contains(leftover.getStatus())) {
                Task cancelled = leftover.copy().setStatus(Task.TaskStatus.CANCELLED);
                cancelled.setStatusReason(new CodeableConcept().setText(cancelReason(decision)));
                String url = urn("task|" + leftover.getIdElement().getIdPart());
                update(tx, url, cancelled, leftover);
                targets.add(new Reference(url));
            }
        }
        // Ruleset 2.0: the clinician who asked for the result is told too, once per episode and clinician
        if (decision.action() == Action.OPEN) {
            for (String orderer : current.orderers()) {
                String notice = EhrIdentifiers.notice(decision.episodeId(), orderer);
                String url = urn("communication|" + notice);
                create(tx, url, episode.notice(decision, orderer, focus, current.observations()), "Communication",
                        EhrIdentifiers.NOTICE, notice);
                targets.add(new Reference(url));
            }
        }
        // The Provenance's id derives from the decision: a resent transaction rewrites it, never adds one
        var provenance = episode.provenance(decision, targets);
        provenance.setId("lemstriage-" + uuid("provenance|" + decision.decisionId()));
        tx.addEntry().setFullUrl(urn("provenance|" + decision.decisionId())).setResource(provenance).getRequest()
                .setMethod(Bundle.HTTPVerb.PUT).setUrl("Provenance/" + provenance.getIdElement().getIdPart());
        return Optional.of(tx);
    }

    /**
     * How what the EHR holds differs from what the decision says, in round numbers and versions only: empty when the
     * episode is as decided, or when a newer decision has since been applied. What the oncology team has taken up
     * (a Task no longer open) counts as it is.
     */
    public List<String> differences(TriageDecision decision, Current current) {
        ServiceRequest sr = current.serviceRequest();
        if (sr == null) {
            return decision.action() == Action.RETRACT ? List.of() : List.of("no ServiceRequest for the episode");
        }
        int applied = appliedVersion(sr);
        if (applied > decision.version()) {
            return List.of();
        }
        List<String> differences = new ArrayList<>();
        if (applied < decision.version()) {
            differences.add("ServiceRequest holds decision version " + applied + ", not " + decision.version());
        }
        Map<String, Task> byIdentifier = byIdentifier(current);
        for (PlannedTask planned : planned(decision, current.observations())) {
            Task existing = byIdentifier.remove(planned.identifier());
            if (existing == null) {
                differences.add(planned.label() + " missing");
            } else if (changed(existing, planned).isPresent()) {
                differences.add(planned.label() + " not as decided");
            }
        }
        byIdentifier.forEach((identifier, task) -> {
            if (OPEN.contains(task.getStatus())) {
                differences.add(label(identifier) + " still open");
            }
        });
        return differences;
    }

    private static String cancelReason(TriageDecision decision) {
        return switch (decision.action()) {
            case RETRACT -> "Withdrawn by lems-triage, decision " + decision.decisionId() + ": the evidence that opened this "
                    + "screening was withdrawn or screening is no longer indicated. " + decision.explanation();
            case CLOSE -> "Screening ended by lems-triage, decision " + decision.decisionId() + ". " + decision.explanation();
            default -> "No longer in the screening plan (lems-triage decision " + decision.decisionId() + ", tier "
                    + decision.tier() + ")";
        };
    }

    /** An open Task as the decision would have it, if that differs from what the EHR holds. */
    private static Optional<Task> changed(Task existing, PlannedTask planned) {
        if (!OPEN.contains(existing.getStatus())) {
            return Optional.empty();
        }
        Task changed = existing.copy();
        planned.apply().accept(changed);
        return changed.equalsDeep(existing) ? Optional.empty() : Optional.of(changed);
    }

    /**
     * The Tasks a decision wants: a screening episode's rounds, or a clinician-review episode's one review Task; on
     * CLOSE only the closing Task (the rounds' open Tasks are then cancelled with the reason); none on RETRACT.
     */
    private List<PlannedTask> planned(TriageDecision decision, Set<String> inEhr) {
        if (decision.action() == Action.RETRACT) {
            return List.of();
        }
        if (decision.action() == Action.CLOSE) {
            String closing = EhrIdentifiers.closing(decision.episodeId());
            return List.of(new PlannedTask(EhrIdentifiers.CLOSING, closing, label(closing),
                    focus -> episode.closingTask(decision, focus), t -> episode.applyClosing(t, decision)));
        }
        if (decision.episodeKind() == EpisodeKind.CLINICIAN_REVIEW) {
            return List.of(new PlannedTask(EhrIdentifiers.REVIEW, EhrIdentifiers.review(decision.episodeId()),
                    label(EhrIdentifiers.review(decision.episodeId())),
                    focus -> episode.reviewTask(decision, focus, inEhr), t -> episode.applyReview(t, decision, inEhr)));
        }
        return decision.plan().stream().map(round -> new PlannedTask(EhrIdentifiers.ROUND,
                EhrIdentifiers.round(decision.episodeId(), round.round()), label(EhrIdentifiers.round(decision.episodeId(), round.round())),
                focus -> episode.task(decision, round, focus, inEhr),
                t -> episode.applyDecision(t, decision, round, inEhr))).toList();
    }

    /** A Task the decision wants, by its business identifier: how to create it, and what the decision sets on it. */
    private record PlannedTask(String system, String identifier, String label, Function<Reference, Task> create,
                               Consumer<Task> apply) {
        Task create(Reference focus) {
            return create.apply(focus);
        }
    }

    /** "round 2", "review Task": how a Task is named in differences (ids only, no patient data). */
    private static String label(String identifier) {
        return EhrIdentifiers.roundOf(identifier).map(n -> "round " + n)
                .orElse(identifier.substring(identifier.lastIndexOf('/') + 1) + " Task");
    }

    /** The episode's Tasks by business identifier value (rounds and review alike). */
    private static Map<String, Task> byIdentifier(Current current) {
        Map<String, Task> byIdentifier = new HashMap<>();
        current.tasks().forEach(t -> t.getIdentifier().stream()
                .filter(i -> EhrIdentifiers.ROUND.equals(i.getSystem()) || EhrIdentifiers.REVIEW.equals(i.getSystem())
                        || EhrIdentifiers.CLOSING.equals(i.getSystem()))
                .findFirst().ifPresent(i -> byIdentifier.put(i.getValue(), t)));
        return byIdentifier;
    }

    static int appliedVersion(ServiceRequest sr) {
        var ext = sr.getExtensionByUrl(ScreeningEpisode.DECISION_VERSION);
        return ext != null && ext.getValue() instanceof IntegerType v ? v.getValue() : 0;
    }

    private static void create(Bundle tx, String fullUrl, Resource resource, String type, String system, String value) {
        tx.addEntry().setFullUrl(fullUrl).setResource(resource).getRequest().setMethod(Bundle.HTTPVerb.POST)
                .setUrl(type).setIfNoneExist("identifier=" + system + "|" + value);
    }

    private static void update(Bundle tx, String fullUrl, Resource resource, Resource read) {
        String type = resource.fhirType();
        tx.addEntry().setFullUrl(fullUrl).setResource(resource).getRequest().setMethod(Bundle.HTTPVerb.PUT)
                .setUrl(type + "/" + read.getIdElement().getIdPart())
                .setIfMatch("W/\"" + read.getMeta().getVersionId() + "\"");
    }

    private static String urn(String name) {
        return "urn:uuid:" + uuid(name);
    }

    private static String uuid(String name) {
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }
}
