package org.lemstriage.readside.console;

import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Reference;
import org.lemstriage.readside.store.AuditRecord;

import java.util.List;
import java.util.stream.Collectors;

/** A stored AuditEvent as one line of the audit view and its CSV: when, what, how it ended, who, about what. */
public record AuditEventLine(String id, String recorded, String type, String action, String outcome, String agents,
                             String entities, List<String> patientKeys) {

    public static AuditEventLine of(AuditEvent event) {
        String type = event.getSubtype().stream().map(c -> c.getCode()).filter(c -> c != null).collect(Collectors.joining(" "));
        String agents = event.getAgent().stream().map(a -> a.hasName() ? a.getName() : label(a.getWho())).collect(Collectors.joining("; "));
        String entities = event.getEntity().stream().filter(e -> e.hasWhat() || e.hasName())
                .map(e -> e.hasName() ? e.getName() : label(e.getWhat())).collect(Collectors.joining("; "));
        List<String> patients = event.getEntity().stream().filter(e -> e.hasWhat() && AuditRecord.isPatient(e.getWhat()))
                .map(e -> org.lemstriage.model.PatientKey.of(e.getWhat()).orElse(null)).filter(k -> k != null).toList();
        String outcome = event.getOutcome() == null ? "" : event.getOutcome().toCode()
                + (event.hasOutcomeDesc() ? " (" + event.getOutcomeDesc() + ")" : "");
        return new AuditEventLine(event.getIdElement().getIdPart(), event.getRecordedElement().getValueAsString(), type,
                event.getAction() == null ? "" : event.getAction().toCode(), outcome, agents, entities, patients);
    }

    private static String label(Reference who) {
        if (who == null) {
            return "";
        }
        if (who.hasReference()) {
            return who.getReference();
        }
        if (who.hasIdentifier()) {
            return (who.hasDisplay() ? who.getDisplay() + " " : "") + who.getIdentifier().getSystem() + "|" + who.getIdentifier().getValue();
        }
        return who.getDisplay() == null ? "" : who.getDisplay();
    }
}
