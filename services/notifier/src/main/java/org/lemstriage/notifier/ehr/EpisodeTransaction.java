package org.lemstriage.notifier.ehr;

import ca.uhn.fhir.rest.gclient.TokenClientParam;
import org.lemstriage.ehrclient.ConditionalUrl;
import org.lemstriage.model.fhir.EhrIdentifiers;

import jakarta.enterprise.context.ApplicationScoped;
import org.hl7.fhir.r4.model.Annotation;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Task;
import org.lemstriage.model.event.ClinicianRequest;
import org.lemstriage.model.event.TriageDecision;
import org.lemstriage.model.event.TriageDecision.Action;
import org.lemstriage.model.event.TriageDecision.EpisodeKind;
import org.lemstriage.model.event.TriageDecision.ScreeningRound;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One decision against what the EHR already holds for its episode, as one transaction Bundle:
 * <ul>
 * <li>what does not exist is created with a conditional create on its business identifier, so even a transaction
 *     sent twice cannot create anything twice;</li>
 * <li>what exists and is still open (requested, on-hold) is changed in place, with If-Match on the version read, so
 *     a change the oncology team made meanwhile is never overwritten (the EHR answers 412 and the write is redone);</li>
 * <li>Tasks the team has taken up (in progress, completed, ...) are left alone, and so are orders radiology has
 *     finished or revoked;</li>
 * <li>open Tasks of rounds no longer in the plan, and all open Tasks on RETRACT and CLOSE, are cancelled with the
 *     reason; their rounds' orders that wait, or are active while the round's Task was not taken up, are revoked.</li>
 * </ul>
 * The ServiceRequest records the decision version applied; a decision no newer than it writes nothing, so
 * redelivery and replay of the topic are harmless.
 */
@ApplicationScoped
public class EpisodeTransaction {
    private static final Set<Task.TaskStatus> OPEN = Set.of(Task.TaskStatus.REQUESTED, Task.TaskStatus.ONHOLD, Task.TaskStatus.DRAFT);
    /** Orders not yet released to radiology. */
    private static final Set<ServiceRequest.ServiceRequestStatus> ORDER_WAITING = Set.of(ServiceRequest.ServiceRequestStatus.DRAFT,
            ServiceRequest.ServiceRequestStatus.ONHOLD);
    /**
     * Orders lems-triage may still change: waiting, or active (radiology completes or revokes an active order
     * itself; lems-triage only raises its priority or moves its window).
     */
    private static final Set<ServiceRequest.ServiceRequestStatus> ORDER_OPEN = Set.of(ServiceRequest.ServiceRequestStatus.DRAFT,
            ServiceRequest.ServiceRequestStatus.ONHOLD, ServiceRequest.ServiceRequestStatus.ACTIVE);

    private final ScreeningEpisode episode;

    public EpisodeTransaction(ScreeningEpisode episode) {
        this.episode = episode;
    }

    /**
     * What the EHR holds for an episode: its ServiceRequest (or null), its Tasks, which of the Observations the
     * decision cites it holds ({@code Observation/<id>}), the clinicians who asked for them, as the EHR knows them
     * (Practitioner or PractitionerRole references; read for an OPEN only), its rounds' CT and PET orders, and which
     * of the clinicians the decision's requests name the EHR holds (ruleset 3.0: a Task is theirs only then).
     */
    public record Current(ServiceRequest serviceRequest, List<Task> tasks, Set<String> observations, List<String> orderers,
                          List<ServiceRequest> orders, Set<String> clinicians) {
        public Current(ServiceRequest serviceRequest, List<Task> tasks, Set<String> observations) {
            this(serviceRequest, tasks, observations, List.of(), List.of(), Set.of());
        }

        public Current(ServiceRequest serviceRequest, List<Task> tasks, Set<String> observations, List<String> orderers) {
            this(serviceRequest, tasks, observations, orderers, List.of(), Set.of());
        }

        public Current(ServiceRequest serviceRequest, List<Task> tasks, Set<String> observations, List<String> orderers,
                       List<ServiceRequest> orders) {
            this(serviceRequest, tasks, observations, orderers, orders, Set.of());
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
            if (decision.closure() != null) {
                sr.setIntent(existing.getIntent()); // a proposal that closes stays a proposal, now revoked
            }
            update(tx, srUrl, sr, existing);
            focus = new Reference("ServiceRequest/" + existing.getIdElement().getIdPart());
        }
        targets.add(new Reference(srUrl));

        Map<String, Resource> held = byIdentifier(current);
        for (Planned planned : planned(decision, current, focus)) {
            Resource existing = held.remove(planned.identifier());
            String url = urn(planned.type() + "|" + planned.identifier());
            if (existing == null) {
                create(tx, url, planned.create().get(), planned.type(), planned.system(), planned.identifier());
                targets.add(new Reference(url));
            } else {
                Optional<Resource> changed = changed(existing, planned);
                if (changed.isPresent()) {
                    update(tx, url, changed.get(), existing);
                    targets.add(new Reference(url));
                }
            }
        }
        Map<Integer, Task.TaskStatus> rounds = roundTaskStatuses(current);
        for (Resource leftover : held.values()) {
            withdrawn(leftover, decision, rounds).ifPresent(withdrawn -> {
                String url = urn(leftover.fhirType() + "|" + leftover.getIdElement().getIdPart());
                update(tx, url, withdrawn, leftover);
                targets.add(new Reference(url));
            });
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
        Map<String, Resource> held = byIdentifier(current);
        for (Planned planned : planned(decision, current, new Reference("ServiceRequest/" + sr.getIdElement().getIdPart()))) {
            Resource existing = held.remove(planned.identifier());
            if (existing == null) {
                differences.add(planned.label() + " missing");
            } else if (changed(existing, planned).isPresent()) {
                differences.add(planned.label() + " not as decided");
            }
        }
        Map<Integer, Task.TaskStatus> rounds = roundTaskStatuses(current);
        held.forEach((identifier, resource) -> {
            if (withdrawn(resource, decision, rounds).isPresent()) {
                differences.add(label(identifier) + " still open");
            }
        });
        return differences;
    }

    private static final String WITHDRAWN_PREFIX = "Withdrawn by lems-triage, decision ";
    private static final String ENDED_PREFIX = "Screening ended by lems-triage, decision ";
    private static final String DROPPED_PREFIX = "No longer in the screening plan (lems-triage decision ";

    private static String cancelReason(TriageDecision decision) {
        return switch (decision.action()) {
            case RETRACT -> WITHDRAWN_PREFIX + decision.decisionId() + ": the evidence that opened this "
                    + "screening was withdrawn or screening is no longer indicated. " + decision.explanation();
            case CLOSE -> ENDED_PREFIX + decision.decisionId() + ". " + decision.explanation();
            default -> DROPPED_PREFIX + decision.decisionId() + ", tier " + decision.tier() + ")";
        };
    }

    /**
     * A Task or order the decision no longer wants, withdrawn: an open Task cancelled with the reason; an order
     * revoked, with the reason in a note (R4 ServiceRequest has no statusReason), when it is on hold, or active while
     * its round's Task is not taken up (or absent). An order whose round the team took up is theirs.
     */
    private static Optional<Resource> withdrawn(Resource leftover, TriageDecision decision, Map<Integer, Task.TaskStatus> rounds) {
        if (leftover instanceof Task task) {
            return OPEN.contains(task.getStatus()) ? Optional.of(task.copy().setStatus(Task.TaskStatus.CANCELLED)
                    .setStatusReason(new CodeableConcept(new Coding(EhrIdentifiers.TASK_CODE_SYSTEM,
                            EhrIdentifiers.WITHDRAWN_BY_LEMS_TRIAGE, "Withdrawn by lems-triage")).setText(cancelReason(decision))))
                    : Optional.empty();
        }
        ServiceRequest order = (ServiceRequest) leftover;
        Task.TaskStatus round = EhrIdentifiers.roundOf(order.getIdentifierFirstRep().getValue()).map(rounds::get).orElse(null);
        boolean revoke = ORDER_WAITING.contains(order.getStatus()) || (order.getStatus() == ServiceRequest.ServiceRequestStatus.ACTIVE
                && (round == null || OPEN.contains(round)));
        if (!revoke) {
            return Optional.empty();
        }
        ServiceRequest revoked = order.copy().setStatus(ServiceRequest.ServiceRequestStatus.REVOKED);
        revoked.addNote(new Annotation().setAuthor(new StringType(EhrIdentifiers.WITHDRAWN_BY_LEMS_TRIAGE)).setText(cancelReason(decision)));
        return Optional.of(revoked);
    }

    /**
     * A Task or order lems-triage itself withdrew, wanted again (ruleset 3.0: its episode reopened): back to the
     * status it is created with, the withdrawal's reason removed. What anyone else cancelled or revoked stays so.
     */
    private static Optional<Resource> reopened(Resource existing, Planned planned) {
        if (existing instanceof Task task && task.getStatus() == Task.TaskStatus.CANCELLED && withdrawnByLemsTriage(task)) {
            Task reopened = task.copy().setStatus(((Task) planned.create().get()).getStatus());
            reopened.setStatusReason(null);
            return Optional.of(reopened);
        }
        if (existing instanceof ServiceRequest order && order.getStatus() == ServiceRequest.ServiceRequestStatus.REVOKED
                && order.getNote().stream().anyMatch(EpisodeTransaction::withdrawal)) {
            ServiceRequest reopened = order.copy().setStatus(ServiceRequest.ServiceRequestStatus.ONHOLD);
            reopened.getNote().removeIf(EpisodeTransaction::withdrawal);
            return Optional.of(reopened);
        }
        return Optional.empty();
    }

    /**
     * Whether lems-triage cancelled this Task: its statusReason code, or, for a Task cancelled before that code was
     * written (ruleset 2.0), the reason text lems-triage wrote.
     */
    private static boolean withdrawnByLemsTriage(Task task) {
        CodeableConcept reason = task.getStatusReason();
        return reason.getCoding().stream().anyMatch(c -> EhrIdentifiers.TASK_CODE_SYSTEM.equals(c.getSystem())
                && EhrIdentifiers.WITHDRAWN_BY_LEMS_TRIAGE.equals(c.getCode())) || byLemsTriageBefore3(reason.getText());
    }

    /** The note with which lems-triage revoked an order: its own author, or (ruleset 2.0) its reason text. */
    static boolean withdrawal(Annotation note) {
        boolean marked = note.hasAuthorStringType() && EhrIdentifiers.WITHDRAWN_BY_LEMS_TRIAGE.equals(note.getAuthorStringType().getValue());
        return marked || (ScreeningEpisode.byLemsTriage(note) && byLemsTriageBefore3(note.getText()));
    }

    /** The reasons lems-triage wrote when it withdrew something, as {@link #cancelReason} words them. */
    private static boolean byLemsTriageBefore3(String text) {
        return text != null && (text.startsWith(WITHDRAWN_PREFIX) || text.startsWith(ENDED_PREFIX) || text.startsWith(DROPPED_PREFIX));
    }

    /** The status of each round's Task in the EHR, by round number. */
    private static Map<Integer, Task.TaskStatus> roundTaskStatuses(Current current) {
        Map<Integer, Task.TaskStatus> rounds = new HashMap<>();
        current.tasks().forEach(t -> t.getIdentifier().stream().filter(i -> EhrIdentifiers.ROUND.equals(i.getSystem())).findFirst()
                .flatMap(i -> EhrIdentifiers.roundOf(i.getValue())).ifPresent(n -> rounds.put(n, t.getStatus())));
        return rounds;
    }

    /** What lems-triage may still change, as the decision would have it, if that differs from what the EHR holds. */
    private static Optional<Resource> changed(Resource existing, Planned planned) {
        Resource current = reopened(existing, planned).orElse(existing);
        boolean open = current instanceof Task task ? OPEN.contains(task.getStatus())
                : ORDER_OPEN.contains(((ServiceRequest) current).getStatus());
        if (!open) {
            return Optional.empty();
        }
        Resource changed = current.copy();
        planned.apply().accept(changed);
        return changed.equalsDeep(existing) ? Optional.empty() : Optional.of(changed);
    }

    /**
     * What a decision wants: a screening episode's rounds, each with its Task and its CT and PET orders, or a
     * clinician-review episode's one review Task; once closed, only the closing Task (the rounds' open Tasks are then
     * cancelled and their waiting orders revoked, with the reason); nothing on RETRACT. Ruleset 3.0: besides, one
     * Task per question the decision asks a clinician. Orders come first: their Tasks focus on them.
     *
     * @param episodeRequest the episode's ServiceRequest, as this transaction references it
     */
    private List<Planned> planned(TriageDecision decision, Current current, Reference episodeRequest) {
        Set<String> inEhr = current.observations();
        if (decision.action() == Action.RETRACT) {
            return List.of();
        }
        List<Planned> planned = new ArrayList<>();
        if (decision.closure() != null) {
            String closing = EhrIdentifiers.closing(decision.episodeId());
            planned.add(new Planned("Task", EhrIdentifiers.CLOSING, closing, label(closing),
                    () -> episode.closingTask(decision, episodeRequest), t -> episode.applyClosing((Task) t, decision)));
        } else if (decision.episodeKind() == EpisodeKind.CLINICIAN_REVIEW) {
            String review = EhrIdentifiers.review(decision.episodeId());
            planned.add(new Planned("Task", EhrIdentifiers.REVIEW, review, label(review),
                    () -> episode.reviewTask(decision, episodeRequest, inEhr), t -> episode.applyReview((Task) t, decision, inEhr)));
        } else {
            planned.addAll(rounds(decision, current, episodeRequest));
        }
        for (ClinicianRequest request : decision.clinicianRequests()) {
            String identifier = EhrIdentifiers.request(decision.episodeId(), request.id());
            planned.add(new Planned("Task", EhrIdentifiers.REVIEW, identifier, label(identifier),
                    () -> episode.requestTask(decision, request, episodeRequest, inEhr, current.clinicians()),
                    t -> episode.applyRequest((Task) t, decision, request, inEhr, current.clinicians())));
        }
        return planned;
    }

    /** A screening episode's rounds: each round's CT and PET orders first, then the rounds' Tasks, which focus on them. */
    private List<Planned> rounds(TriageDecision decision, Current current, Reference episodeRequest) {
        Set<String> inEhr = current.observations();
        Map<String, Reference> heldOrders = new HashMap<>();
        current.orders().forEach(o -> heldOrders.put(o.getIdentifierFirstRep().getValue(),
                new Reference("ServiceRequest/" + o.getIdElement().getIdPart())));
        List<Planned> orders = new ArrayList<>();
        List<Planned> tasks = new ArrayList<>();
        for (ScreeningRound round : decision.plan()) {
            String ct = EhrIdentifiers.ctOrder(decision.episodeId(), round.round());
            String pet = EhrIdentifiers.petOrder(decision.episodeId(), round.round());
            Reference ctOrder = heldOrders.getOrDefault(ct, new Reference(urn("ServiceRequest|" + ct)));
            orders.add(new Planned("ServiceRequest", EhrIdentifiers.ORDER, ct, label(ct),
                    () -> episode.ctOrder(decision, round, episodeRequest, inEhr),
                    o -> episode.applyCtOrder((ServiceRequest) o, decision, round, inEhr)));
            orders.add(new Planned("ServiceRequest", EhrIdentifiers.ORDER, pet, label(pet),
                    () -> episode.petOrder(decision, round, episodeRequest, inEhr),
                    o -> episode.applyPetOrder((ServiceRequest) o, decision, round, inEhr)));
            String identifier = EhrIdentifiers.round(decision.episodeId(), round.round());
            tasks.add(new Planned("Task", EhrIdentifiers.ROUND, identifier, label(identifier),
                    () -> episode.task(decision, round, episodeRequest, ctOrder, inEhr),
                    t -> episode.applyDecision((Task) t, decision, round, episodeRequest, ctOrder, inEhr)));
        }
        orders.addAll(tasks);
        return orders;
    }

    /**
     * A Task or order the decision wants, by its business identifier: how to create it, and what the decision sets
     * on it.
     */
    private record Planned(String type, String system, String identifier, String label, Supplier<Resource> create,
                           Consumer<Resource> apply) {
    }

    /**
     * "round 2", "round 2 CT order", "review Task", "request tumour-fit/Condition/7 Task": how a Task or order is named
     * in differences (ids only, no patient data).
     */
    private static String label(String identifier) {
        Optional<String> request = EhrIdentifiers.requestOf(identifier);
        if (request.isPresent()) {
            return "request " + request.get() + " Task";
        }
        String last = identifier.substring(identifier.lastIndexOf('/') + 1);
        return EhrIdentifiers.roundOf(identifier)
                .map(n -> "round " + n + (last.startsWith("round-") ? "" : " " + last.toUpperCase(java.util.Locale.ROOT) + " order"))
                .orElse(last + " Task");
    }

    /** The episode's Tasks (rounds, review, closing) and its rounds' orders by business identifier value. */
    private static Map<String, Resource> byIdentifier(Current current) {
        Map<String, Resource> byIdentifier = new HashMap<>();
        current.tasks().forEach(t -> t.getIdentifier().stream()
                .filter(i -> EhrIdentifiers.ROUND.equals(i.getSystem()) || EhrIdentifiers.REVIEW.equals(i.getSystem())
                        || EhrIdentifiers.CLOSING.equals(i.getSystem()))
                .findFirst().ifPresent(i -> byIdentifier.put(i.getValue(), t)));
        current.orders().forEach(o -> o.getIdentifier().stream().filter(i -> EhrIdentifiers.ORDER.equals(i.getSystem()))
                .findFirst().ifPresent(i -> byIdentifier.put(i.getValue(), o)));
        return byIdentifier;
    }

    static int appliedVersion(ServiceRequest sr) {
        var ext = sr.getExtensionByUrl(ScreeningEpisode.DECISION_VERSION);
        return ext != null && ext.getValue() instanceof IntegerType v ? v.getValue() : 0;
    }

    private static void create(Bundle tx, String fullUrl, Resource resource, String type, String system, String value) {
        tx.addEntry().setFullUrl(fullUrl).setResource(resource).getRequest().setMethod(Bundle.HTTPVerb.POST)
                .setUrl(type).setIfNoneExist(ConditionalUrl.query(new TokenClientParam("identifier").exactly().systemAndCode(system, value)));
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
