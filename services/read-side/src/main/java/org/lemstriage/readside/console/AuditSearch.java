package org.lemstriage.readside.console;

import jakarta.ws.rs.QueryParam;
import org.lemstriage.readside.store.AuditEventQuery;
import org.lemstriage.readside.store.DecisionSearch;
import org.lemstriage.model.event.TriageDecision;
import org.hl7.fhir.r4.model.AuditEvent;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The audit view's search form: patient (its key), date range (UTC days), rule id and decision action (decisions),
 * client and AuditEvent action (AuditEvents). An empty field does not filter.
 */
public class AuditSearch {
    @QueryParam("patient")
    public String patient;
    @QueryParam("from")
    public String from;
    @QueryParam("to")
    public String to;
    @QueryParam("rule")
    public String rule;
    @QueryParam("action")
    public String action;
    @QueryParam("client")
    public String client;
    @QueryParam("eventAction")
    public String eventAction;

    DecisionSearch.Filter decisions() {
        return new DecisionSearch.Filter(ConsoleInput.blank(patient) ? List.of() : List.of(patient.strip()), ConsoleInput.date("from", from, false),
                ConsoleInput.date("to", to, true), rule, ConsoleInput.choice("action", action, TriageDecision.Action.class));
    }

    AuditEventQuery events() {
        AuditEventQuery query = new AuditEventQuery().recorded(ConsoleInput.date("from", from, false), ConsoleInput.date("to", to, true));
        if (!ConsoleInput.blank(patient)) {
            query.entity(List.of(target(patient.strip())), true);
        }
        if (!ConsoleInput.blank(client)) {
            query.agent(List.of(target(client.strip())));
        }
        AuditEvent.AuditEventAction a = ConsoleInput.choice("eventAction", eventAction, AuditEvent.AuditEventAction.class);
        if (a != null) {
            query.actionIn(List.of(a.toCode()));
        }
        return query;
    }

    /** The search as a query string (for the export links and the read's own AuditEvent). */
    public String query() {
        String q = fields().entrySet().stream().filter(e -> !ConsoleInput.blank(e.getValue()))
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue().strip(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        return q.isEmpty() ? "" : "?" + q;
    }

    /** A field's value as entered, "" when absent (the form shows it again). */
    public String value(String field) {
        String v = fields().get(field);
        return v == null ? "" : v;
    }

    /** The form's fields by their parameter names, in the form's order. */
    private Map<String, String> fields() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("patient", patient);
        fields.put("from", from);
        fields.put("to", to);
        fields.put("rule", rule);
        fields.put("action", action);
        fields.put("client", client);
        fields.put("eventAction", eventAction);
        return fields;
    }

    /** A patient key or client: {@code Type/id} is a reference, {@code identifier:system|value} or {@code system|value} an identifier, else an identifier value. */
    static AuditEventQuery.Target target(String value) {
        String v = value.startsWith("identifier:") ? value.substring("identifier:".length()) : value;
        return v.contains("/") && !v.contains("|") ? AuditEventQuery.Target.reference(v) : AuditEventQuery.Target.identifierToken(v);
    }
}
