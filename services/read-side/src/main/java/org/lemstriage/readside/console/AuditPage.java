package org.lemstriage.readside.console;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.lemstriage.readside.store.AuditEventSearch;
import org.lemstriage.readside.store.DecisionSearch;
import org.lemstriage.model.event.TriageDecision;
import org.lemstriage.model.fhir.Fhir;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * For quality and audit teams: decisions and AuditEvents searched by patient, date range, rule, action and client,
 * and the same search exported as CSV or as a FHIR Bundle.
 */
@Path("/console/audit")
@Blocking
@RolesAllowed(ConsoleUser.AUDITOR)
public class AuditPage {
    /** AuditEvents shown on the page, newest first; the exports go further. */
    static final int SHOWN = 200;
    static final int EXPORTED = 10_000;

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance audit(ConsoleUser user, AuditSearch search, List<DecisionView> decisions, boolean decisionsCut,
                                             List<AuditEventLine> events, int eventCount);
    }

    private final DecisionSearch decisions;
    private final AuditEventSearch events;
    private final SecurityIdentity identity;
    private final ConsoleReads reads;

    public AuditPage(DecisionSearch decisions, AuditEventSearch events, SecurityIdentity identity, ConsoleReads reads) {
        this.decisions = decisions;
        this.events = events;
        this.identity = identity;
        this.reads = reads;
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance audit(@BeanParam AuditSearch search) throws SQLException {
        List<TriageDecision> found = decisions.find(search.decisions());
        List<AuditEventLine> lines = lines(events.page(search.events(), 0, SHOWN));
        int count = events.count(search.events());
        audited(found, lines, search, "/console/audit");
        return Templates.audit(ConsoleUser.of(identity), search, found.stream().limit(DecisionSearch.LIMIT).map(DecisionView::of).toList(),
                found.size() > DecisionSearch.LIMIT, lines, count);
    }

    @GET
    @Path("decisions.csv")
    @Produces("text/csv")
    public Response decisionsCsv(@BeanParam AuditSearch search) throws SQLException {
        List<TriageDecision> found = decisions.find(search.decisions()).stream().limit(DecisionSearch.LIMIT).toList();
        audited(found, List.of(), search, "/console/audit/decisions.csv");
        Csv csv = new Csv("decision_id", "episode_id", "version", "patient_key", "action", "tier", "decided_at", "ruleset_version",
                "rules_fired", "delta_p_score", "explanation");
        found.forEach(d -> csv.row(d.decisionId(), d.episodeId(), d.version(), d.patientKey(), d.action(), d.tier(), d.decidedAt(),
                d.rulesetVersion(), String.join(" ", d.rulesFired() == null ? List.of() : d.rulesFired()), d.deltaPScore(), d.explanation()));
        return download(csv.toString(), "decisions.csv");
    }

    @GET
    @Path("audit-events.csv")
    @Produces("text/csv")
    public Response eventsCsv(@BeanParam AuditSearch search) throws SQLException {
        List<AuditEventLine> lines = lines(events.page(search.events(), 0, EXPORTED));
        audited(List.of(), lines, search, "/console/audit/audit-events.csv");
        Csv csv = new Csv("id", "recorded", "type", "action", "outcome", "agents", "entities");
        lines.forEach(l -> csv.row(l.id(), l.recorded(), l.type(), l.action(), l.outcome(), l.agents(), l.entities()));
        return download(csv.toString(), "audit-events.csv");
    }

    /** The AuditEvents as a FHIR searchset Bundle, as GET /fhir/AuditEvent would give them, in one file. */
    @GET
    @Path("audit-events.json")
    @Produces("application/fhir+json")
    public Response eventsBundle(@BeanParam AuditSearch search) throws SQLException {
        List<AuditEvent> found = events.page(search.events(), 0, EXPORTED).stream().map(AuditEventSearch.Found::toAuditEvent).toList();
        audited(List.of(), found.stream().map(AuditEventLine::of).toList(), search, "/console/audit/audit-events.json");
        Bundle bundle = new Bundle().setType(Bundle.BundleType.SEARCHSET).setTotal(found.size());
        found.forEach(e -> bundle.addEntry().setFullUrl("AuditEvent/" + e.getIdElement().getIdPart()).setResource(e)
                .getSearch().setMode(Bundle.SearchEntryMode.MATCH));
        return download(Fhir.r4().newJsonParser().encodeResourceToString(bundle), "audit-events.json");
    }

    private static List<AuditEventLine> lines(List<AuditEventSearch.Found> found) {
        return found.stream().map(f -> AuditEventLine.of(f.toAuditEvent())).toList();
    }

    /** The patients this answer names: the one searched for, those of its decisions and AuditEvents. */
    private void audited(List<TriageDecision> found, List<AuditEventLine> lines, AuditSearch search, String path) {
        Set<String> patients = new LinkedHashSet<>();
        if (!ConsoleInput.blank(search.patient)) {
            patients.add(search.patient.strip());
        }
        found.forEach(d -> patients.add(d.patientKey()));
        lines.forEach(l -> patients.addAll(l.patientKeys()));
        reads.searched(new ArrayList<>(patients), "GET " + path + search.query());
    }

    private static Response download(String body, String file) {
        return Response.ok(body).header("Content-Disposition", "attachment; filename=\"" + file + "\"").build();
    }
}
