package org.lemstriage.readside.yield;

import jakarta.enterprise.context.ApplicationScoped;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.Task;
import org.hl7.fhir.instance.model.api.IIdType;
import org.lemstriage.ehrclient.EhrClient;
import org.lemstriage.ehrclient.EhrFailure;
import org.lemstriage.model.event.TriageDecision;
import org.lemstriage.model.event.TriageDecision.RoundState;
import org.lemstriage.model.fhir.EhrIdentifiers;

import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * Each screening episode's outcome, from its decisions and what the EHR holds for it now: its round Tasks (completed,
 * with a CT result), its rounds' orders (completed) and the DiagnosticReports based on them, and the Condition it
 * closed on. Withdrawn episodes (the evidence was withdrawn) and reviews of an old result (no screening) are not counted.
 *
 * @throws org.lemstriage.ehrclient.EhrFailure when the EHR does not answer: a yield without it would be wrong
 */
@ApplicationScoped
public class EpisodeOutcomes {
    /** LOINC 24627-2 CT Chest: a round Task's output of this type is its CT thorax result. */
    static final String CT_CHEST = "24627-2";
    /**
     * SNOMED CT 254632001 |Small cell carcinoma of lung|, ruleset 3.0's default code list lemsTumour: small-cell for a
     * decision that does not say whether its tumour was on the list (made before the classifier said so).
     */
    static final String SCLC = "254632001";
    /** A DiagnosticReport in one of these says the study was done. */
    private static final Set<DiagnosticReport.DiagnosticReportStatus> DONE = Set.of(DiagnosticReport.DiagnosticReportStatus.FINAL,
            DiagnosticReport.DiagnosticReportStatus.AMENDED, DiagnosticReport.DiagnosticReportStatus.CORRECTED,
            DiagnosticReport.DiagnosticReportStatus.APPENDED);

    private final EhrClient ehr;

    public EpisodeOutcomes(EhrClient ehr) {
        this.ehr = ehr;
    }

    public List<EpisodeOutcome> of(Map<String, List<TriageDecision>> histories) {
        return histories.values().stream().map(this::of).flatMap(Optional::stream).toList();
    }

    /** One episode's outcome from its decisions, oldest version first; empty when it does not count. */
    Optional<EpisodeOutcome> of(List<TriageDecision> decisions) {
        TriageDecision latest = decisions.get(decisions.size() - 1);
        if (latest.action() == TriageDecision.Action.RETRACT || latest.kind() != TriageDecision.EpisodeKind.SCREENING) {
            return Optional.empty();
        }
        String episode = latest.episodeId();
        CompletableFuture<List<Task>> tasks = ehr.start(() -> ehr.searchAll("search tasks of " + episode, Task.class,
                c -> c.search().forResource(Task.class).cacheControl(EhrClient.FRESH)
                        .where(Task.GROUP_IDENTIFIER.exactly().systemAndCode(EhrIdentifiers.EPISODE, episode))
                        .returnBundle(Bundle.class).execute()));
        List<ServiceRequest> orders = ehr.searchAll("search orders of " + episode, ServiceRequest.class,
                c -> c.search().forResource(ServiceRequest.class).cacheControl(EhrClient.FRESH)
                        .where(ServiceRequest.REQUISITION.exactly().systemAndCode(EhrIdentifiers.EPISODE, episode))
                        .returnBundle(Bundle.class).execute());
        Set<String> reported = reported(orders);
        Set<Integer> released = new HashSet<>();
        Set<Integer> overdue = new HashSet<>();
        decisions.forEach(d -> d.plan().forEach(r -> {
            if (r.state() != RoundState.PLANNED) {
                released.add(r.round());
            }
            if (r.state() == RoundState.OVERDUE) {
                overdue.add(r.round());
            }
        }));
        Map<String, ServiceRequest> byIdentifier = orders.stream().collect(Collectors.toMap(
                o -> o.getIdentifierFirstRep().getValue(), o -> o, (a, b) -> a));
        List<Task> rounds = EhrClient.result(tasks).stream()
                .filter(t -> EhrIdentifiers.ROUND.equals(t.getIdentifierFirstRep().getSystem())).toList();
        int completed = (int) rounds.stream().filter(t -> t.getStatus() == Task.TaskStatus.COMPLETED).count();
        int ct = (int) rounds.stream().filter(t -> {
            int n = EhrIdentifiers.roundOf(t.getIdentifierFirstRep().getValue()).orElse(0);
            return t.getOutput().stream().anyMatch(o -> o.getType().getCoding().stream().anyMatch(c -> CT_CHEST.equals(c.getCode())))
                    || done(byIdentifier.get(EhrIdentifiers.ctOrder(episode, n)), reported);
        }).count();
        int pet = (int) rounds.stream().filter(t -> done(byIdentifier.get(EhrIdentifiers.petOrder(episode,
                EhrIdentifiers.roundOf(t.getIdentifierFirstRep().getValue()).orElse(0))), reported)).count();
        TriageDecision.Closure closure = latest.closure();
        boolean closedOnTumour = closure != null && closure.reason() == TriageDecision.Closure.Reason.TUMOUR_RECORDED;
        Optional<Condition> condition = closedOnTumour ? condition(closure.reference()) : Optional.empty();
        // Small-cell as the classifier's code list (lemsTumour) says; a decision made before it said so, by the code
        boolean sclc = closedOnTumour && (closure.lemsTumour() != null ? closure.lemsTumour() : condition.filter(EpisodeOutcomes::sclc).isPresent());
        EpisodeOutcome.Tumour tumour = !closedOnTumour ? EpisodeOutcome.Tumour.NONE : sclc ? EpisodeOutcome.Tumour.SCLC : EpisodeOutcome.Tumour.OTHER;
        // The day the tumour was recorded in the EHR where it says so, else the day the classifier closed on it
        java.time.LocalDate recorded = condition.filter(Condition::hasRecordedDate)
                .map(c -> java.time.LocalDate.parse(c.getRecordedDateElement().getValueAsString().substring(0, 10)))
                .orElse(closedOnTumour ? closure.date() : null);
        return Optional.of(new EpisodeOutcome(episode, latest.tier(), latest.deltaPScore(), firstPositive(decisions),
                released.size(), completed, overdue.size(), ct, pet, tumour, recorded,
                closure != null && closure.reason() == TriageDecision.Closure.Reason.SURVEILLANCE_COMPLETE));
    }

    /** The plan counts from the first positive result: round 1's first day; without it, the first decision's day. */
    private static java.time.LocalDate firstPositive(List<TriageDecision> decisions) {
        return decisions.stream().flatMap(d -> d.plan().stream()).filter(r -> r.round() == 1).findFirst()
                .map(TriageDecision.ScreeningRound::dueFrom).orElse(decisions.get(0).decidedAt().atZone(ZoneOffset.UTC).toLocalDate());
    }

    /**
     * Which of the orders a DiagnosticReport that says the study was done (final, amended, corrected, appended) is based
     * on, by the order's id (a reference absolute, relative or versioned).
     */
    private Set<String> reported(List<ServiceRequest> orders) {
        if (orders.isEmpty()) {
            return Set.of();
        }
        List<String> ids = orders.stream().map(o -> "ServiceRequest/" + o.getIdElement().getIdPart()).toList();
        return ehr.searchAll("search reports of orders", DiagnosticReport.class,
                        c -> c.search().forResource(DiagnosticReport.class).cacheControl(EhrClient.FRESH)
                                .where(DiagnosticReport.BASED_ON.hasAnyOfIds(ids)).returnBundle(Bundle.class).execute())
                .stream().filter(r -> DONE.contains(r.getStatus())).flatMap(r -> r.getBasedOn().stream())
                .map(Reference::getReferenceElement).filter(id -> "ServiceRequest".equals(id.getResourceType()))
                .map(IIdType::getIdPart).collect(Collectors.toSet());
    }

    private static boolean done(ServiceRequest order, Set<String> reported) {
        return order != null && (order.getStatus() == ServiceRequest.ServiceRequestStatus.COMPLETED
                || reported.contains(order.getIdElement().getIdPart()));
    }

    /** The Condition the episode closed on, as the EHR holds it; empty when it holds it no longer (it counts as another tumour). */
    private Optional<Condition> condition(String reference) {
        if (reference == null || !reference.startsWith("Condition/")) {
            return Optional.empty();
        }
        try {
            return Optional.of(ehr.call("read closing Condition", c -> c.read().resource(Condition.class)
                    .withId(reference.substring("Condition/".length())).execute()));
        } catch (EhrFailure.Permanent e) {
            if (e.status() == 404 || e.status() == 410) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static boolean sclc(Condition condition) {
        return condition.getCode().getCoding().stream().anyMatch(c -> "http://snomed.info/sct".equals(c.getSystem()) && SCLC.equals(c.getCode()));
    }
}
