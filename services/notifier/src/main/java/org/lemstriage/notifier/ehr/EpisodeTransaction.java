package org.lemstriage.notifier.ehr;

import ca.uhn.fhir.rest.gclient.TokenClientParam;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.lemstriage.ehrclient.ConditionalUrl;
import org.lemstriage.model.event.TriageDecision;
import org.lemstriage.model.event.TriageDecision.Action;
import org.lemstriage.model.fhir.EhrIdentifiers;
import org.lemstriage.notifier.NotifierConfig;
import org.lemstriage.notifier.episode.ClinicianNotice;
import org.lemstriage.notifier.episode.Decided;
import org.lemstriage.notifier.episode.EntryUrls;
import org.lemstriage.notifier.episode.EpisodePlan;
import org.lemstriage.notifier.episode.EpisodeProvenance;
import org.lemstriage.notifier.episode.EpisodeRequest;
import org.lemstriage.notifier.episode.HeldEpisode;
import org.lemstriage.notifier.episode.PlannedResource;
import org.lemstriage.notifier.episode.Withdrawal;

import java.util.ArrayList;
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
 * <li>what the decision no longer wants is withdrawn with the reason ({@link Withdrawal}).</li>
 * </ul>
 * What each Task or order is, is its {@link PlannedResource}'s ({@link EpisodePlan}). The ServiceRequest records the
 * decision version applied; a decision no newer than it writes nothing, so redelivery and replay are harmless.
 */
@ApplicationScoped
public class EpisodeTransaction {
    private final Reference worklist;

    @Inject
    public EpisodeTransaction(NotifierConfig config) {
        this(config.worklist());
    }

    public EpisodeTransaction(String worklist) {
        this.worklist = new Reference(worklist);
    }

    /** The transaction to send, or empty when the EHR already reflects this decision or a newer one. */
    public Optional<Bundle> build(TriageDecision decision, HeldEpisode held) {
        ServiceRequest heldRequest = held.serviceRequest();
        if (heldRequest != null && EpisodeRequest.appliedVersion(heldRequest) >= decision.version()) {
            return Optional.empty();
        }
        if (heldRequest == null && decision.action() == Action.RETRACT) {
            return Optional.empty(); // nothing was ever written for this episode: nothing to withdraw
        }
        Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        List<Reference> targets = new ArrayList<>();
        String srUrl = EntryUrls.of("sr", decision.episodeId());
        Decided decided = decided(decision, held, heldRequest == null ? srUrl : "ServiceRequest/" + heldRequest.getIdElement().getIdPart());
        ServiceRequest sr = EpisodeRequest.of(decided, heldRequest);
        if (heldRequest == null) {
            create(tx, srUrl, sr, EhrIdentifiers.EPISODE, decision.episodeId());
        } else {
            update(tx, srUrl, sr, heldRequest);
        }
        targets.add(new Reference(srUrl));

        Map<String, Resource> byIdentifier = held.byIdentifier();
        for (PlannedResource planned : EpisodePlan.of(decided)) {
            Resource existing = byIdentifier.remove(planned.identifier());
            String url = EntryUrls.of(planned.type(), planned.identifier());
            if (existing == null) {
                create(tx, url, planned.create(), planned.system(), planned.identifier());
                targets.add(new Reference(url));
            } else {
                changed(existing, planned).ifPresent(changed -> {
                    update(tx, url, changed, existing);
                    targets.add(new Reference(url));
                });
            }
        }
        Map<Integer, Task.TaskStatus> roundTasks = held.roundTaskStatuses();
        for (Resource leftover : byIdentifier.values()) {
            Withdrawal.of(leftover, decision, roundTasks).ifPresent(withdrawn -> {
                String url = EntryUrls.of(leftover.fhirType(), leftover.getIdElement().getIdPart());
                update(tx, url, withdrawn, leftover);
                targets.add(new Reference(url));
            });
        }
        if (decision.action() == Action.OPEN) {
            for (String orderer : held.orderers()) {
                ClinicianNotice notice = new ClinicianNotice(decided, orderer);
                String url = EntryUrls.of("communication", notice.identifier());
                create(tx, url, notice.create(), EhrIdentifiers.NOTICE, notice.identifier());
                targets.add(new Reference(url));
            }
        }
        // A resent transaction rewrites the Provenance, never adds one
        var provenance = EpisodeProvenance.of(decision, targets);
        tx.addEntry().setFullUrl(EntryUrls.of("provenance", decision.decisionId())).setResource(provenance).getRequest()
                .setMethod(Bundle.HTTPVerb.PUT).setUrl("Provenance/" + provenance.getIdElement().getIdPart());
        return Optional.of(tx);
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
        for (PlannedResource planned : EpisodePlan.of(decided(decision, held, "ServiceRequest/" + sr.getIdElement().getIdPart()))) {
            Resource existing = byIdentifier.remove(planned.identifier());
            if (existing == null) {
                differences.add(planned.label() + " missing");
            } else if (changed(existing, planned).isPresent()) {
                differences.add(planned.label() + " not as decided");
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
