package org.lemstriage.notifier.ehr;

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
import org.lemstriage.model.event.TriageDecision.ScreeningRound;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

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
     * What the EHR holds for an episode: its ServiceRequest (or null), its Tasks, and which of the Observations the
     * decision cites it holds ({@code Observation/<id>}).
     */
    public record Current(ServiceRequest serviceRequest, List<Task> tasks, Set<String> observations) {
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

        Map<Integer, Task> byRound = byRound(current);
        for (ScreeningRound round : plan(decision)) {
            Task existing = byRound.remove(round.round());
            String url = urn("task|" + EhrIdentifiers.round(decision.episodeId(), round.round()));
            if (existing == null) {
                create(tx, url, episode.task(decision, round, focus, current.observations()), "Task", EhrIdentifiers.ROUND,
                        EhrIdentifiers.round(decision.episodeId(), round.round()));
                targets.add(new Reference(url));
            } else {
                Optional<Task> changed = changed(existing, decision, round, current);
                if (changed.isPresent()) {
                    update(tx, url, changed.get(), existing);
                    targets.add(new Reference(url));
                }
            }
        }
        for (Task leftover : byRound.values()) {
            if (OPEN.contains(leftover.getStatus())) {
                Task cancelled = leftover.copy().setStatus(Task.TaskStatus.CANCELLED);
                cancelled.setStatusReason(new CodeableConcept().setText(decision.action() == Action.RETRACT
                        ? "Withdrawn by lems-triage, decision " + decision.decisionId() + ": the evidence that opened this "
                        + "screening was withdrawn or screening is no longer indicated. " + decision.explanation()
                        : "No longer in the screening plan (lems-triage decision " + decision.decisionId() + ", tier "
                        + decision.tier() + ")"));
                String url = urn("task|" + leftover.getIdElement().getIdPart());
                update(tx, url, cancelled, leftover);
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
        Map<Integer, Task> byRound = byRound(current);
        for (ScreeningRound round : plan(decision)) {
            Task existing = byRound.remove(round.round());
            if (existing == null) {
                differences.add("round " + round.round() + " missing");
            } else if (changed(existing, decision, round, current).isPresent()) {
                differences.add("round " + round.round() + " not as decided");
            }
        }
        byRound.forEach((round, task) -> {
            if (OPEN.contains(task.getStatus())) {
                differences.add("round " + round + " still open");
            }
        });
        return differences;
    }

    /** An open round's Task as the decision would have it, if that differs from what the EHR holds. */
    private Optional<Task> changed(Task existing, TriageDecision decision, ScreeningRound round, Current current) {
        if (!OPEN.contains(existing.getStatus())) {
            return Optional.empty();
        }
        Task changed = existing.copy();
        episode.applyDecision(changed, decision, round, current.observations());
        return changed.equalsDeep(existing) ? Optional.empty() : Optional.of(changed);
    }

    private static List<ScreeningRound> plan(TriageDecision decision) {
        return decision.action() == Action.RETRACT ? List.of() : decision.plan();
    }

    private static Map<Integer, Task> byRound(Current current) {
        Map<Integer, Task> byRound = new HashMap<>();
        current.tasks().forEach(t -> round(t).ifPresent(r -> byRound.put(r, t)));
        return byRound;
    }

    static int appliedVersion(ServiceRequest sr) {
        var ext = sr.getExtensionByUrl(ScreeningEpisode.DECISION_VERSION);
        return ext != null && ext.getValue() instanceof IntegerType v ? v.getValue() : 0;
    }

    private static Optional<Integer> round(Task task) {
        return task.getIdentifier().stream().filter(i -> EhrIdentifiers.ROUND.equals(i.getSystem()))
                .map(i -> i.getValue().substring(i.getValue().lastIndexOf("/round-") + "/round-".length()))
                .map(Integer::valueOf).findFirst();
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
