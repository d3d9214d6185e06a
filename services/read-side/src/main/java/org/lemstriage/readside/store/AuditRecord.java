package org.lemstriage.readside.store;

import ca.uhn.fhir.parser.DataFormatException;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.lemstriage.model.fhir.Fhir;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/**
 * One AuditEvent from triage.audit.v1 as the store keeps it: its id (the store's key), where it was read from, its JSON
 * as received, and the fields searches filter on.
 *
 * <p>The id is the one lems-triage gave the AuditEvent where it was made ({@code AuditEvents.rest}), so a topic replayed,
 * recreated or moved to another cluster brings the same ids again. An AuditEvent without one (written before ids were
 * given) is keyed by the SHA-256 of its JSON: the same event replayed is the same key, and so is the key its row got
 * when ids came in (migration V5).
 */
public record AuditRecord(String id, int partition, long offset, String json, Instant recorded, String action, String outcome,
                          String subtype, String observer, List<Party> agents, List<Party> entities) {

    /** An agent's {@code who} or an entity's {@code what}; {@code flag}: requestor for agents, a patient for entities. */
    public record Party(String reference, String system, String value, boolean flag) {
    }

    /** Whether {@code id} may be a FHIR id (R4's id datatype, as HAPI checks it); a stored id is one. */
    public static boolean isFhirId(String id) {
        return id != null && new IdType("AuditEvent", id).isIdPartValid();
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
        String id = event.getIdElement().getIdPart();
        if (id == null) {
            id = contentId(json);
        } else if (!isFhirId(id)) {
            throw new UnreadableRecord("AuditEvent.id is not a FHIR id", null);
        }
        List<Party> agents = event.getAgent().stream().map(a -> party(a.getWho(), a.getRequestor())).toList();
        List<Party> entities = event.getEntity().stream().filter(AuditEvent.AuditEventEntityComponent::hasWhat)
                .map(e -> party(e.getWhat(), isPatient(e.getWhat()))).toList();
        return new AuditRecord(id, partition, offset, json, event.getRecorded().toInstant(),
                event.hasAction() ? event.getAction().toCode() : null,
                event.hasOutcome() ? event.getOutcome().toCode() : null,
                event.hasSubtype() ? event.getSubtypeFirstRep().getCode() : null,
                event.getSource().getObserver().getDisplay(), agents, entities);
    }

    /** The key of an AuditEvent without an id: the SHA-256 of its JSON as received, in hex (64 characters, a FHIR id). */
    static String contentId(String json) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
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
