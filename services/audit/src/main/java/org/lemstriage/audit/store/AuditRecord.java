package org.lemstriage.audit.store;

import ca.uhn.fhir.parser.DataFormatException;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.lemstriage.model.fhir.Fhir;

import java.time.Instant;
import java.util.List;

/**
 * One AuditEvent from triage.audit.v1 as the store keeps it: where it stands on the topic (its key in the store: an
 * AuditEvent carries no id of its own), its JSON as received, and the fields searches filter on.
 */
public record AuditRecord(int partition, long offset, String json, Instant recorded, String action, String outcome,
                          String subtype, String observer, List<Party> agents, List<Party> entities) {

    /** An agent's {@code who} or an entity's {@code what}; {@code flag}: requestor for agents, a patient for entities. */
    public record Party(String reference, String system, String value, boolean flag) {
    }

    /** The FHIR id the search API gives a stored AuditEvent: partition and offset. */
    public static String idOf(int partition, long offset) {
        return partition + "-" + offset;
    }

    public static AuditRecord parse(int partition, long offset, String json) throws UnreadableRecord {
        AuditEvent event;
        try {
            event = Fhir.r4().newJsonParser().parseResource(AuditEvent.class, json);
        } catch (DataFormatException | ClassCastException | IllegalArgumentException e) {
            throw new UnreadableRecord("not a FHIR R4 AuditEvent in JSON: " + e.getClass().getSimpleName(), e);
        }
        if (!event.hasRecorded()) {
            throw new UnreadableRecord("AuditEvent.recorded is missing", null);
        }
        List<Party> agents = event.getAgent().stream().map(a -> party(a.getWho(), a.getRequestor())).toList();
        List<Party> entities = event.getEntity().stream().filter(AuditEvent.AuditEventEntityComponent::hasWhat)
                .map(e -> party(e.getWhat(), isPatient(e.getWhat()))).toList();
        return new AuditRecord(partition, offset, json, event.getRecorded().toInstant(),
                event.hasAction() ? event.getAction().toCode() : null,
                event.hasOutcome() ? event.getOutcome().toCode() : null,
                event.hasSubtype() ? event.getSubtypeFirstRep().getCode() : null,
                event.getSource().getObserver().getDisplay(), agents, entities);
    }

    /** A literal Patient reference, or a logical one typed Patient (PatientKey's identifier-keyed patients). */
    public static boolean isPatient(Reference what) {
        return what.hasReference() ? "Patient".equals(what.getReferenceElement().getResourceType()) : "Patient".equals(what.getType());
    }

    private static Party party(Reference who, boolean flag) {
        Identifier id = who.getIdentifier();
        String reference = who.hasReference() ? who.getReferenceElement().toUnqualifiedVersionless().getValue() : null;
        return new Party(reference, id.getSystem(), id.getValue(), flag);
    }
}
