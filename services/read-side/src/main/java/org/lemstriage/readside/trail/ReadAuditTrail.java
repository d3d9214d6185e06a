package org.lemstriage.readside.trail;

import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.hl7.fhir.r4.model.AuditEvent;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.jboss.logging.Logger;
import org.lemstriage.model.fhir.AuditEvents;
import org.lemstriage.model.fhir.Fhir;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;

/**
 * Reading about a patient is itself audited (IHE Basic Audit Log Patterns, "Query" and "Read"): one AuditEvent on
 * triage.audit.v1 per answer that names patients: who asked, which patients, the query, when. The answer waits for
 * the broker's acknowledgement: when the audit trail cannot take it, the answer is 503 and no data leaves.
 */
@ApplicationScoped
public class ReadAuditTrail {
    public static final String CHANNEL = "read-audit";
    private static final Logger LOG = Logger.getLogger(ReadAuditTrail.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final MutinyEmitter<String> emitter;

    public ReadAuditTrail(@Channel(CHANNEL) MutinyEmitter<String> emitter) {
        this.emitter = emitter;
    }

    /** Who asked, as their token names them: display name, and issuer and subject as the identifier. */
    public static Reference person(JsonWebToken token) {
        return new Reference().setDisplay(token.getName())
                .setIdentifier(new Identifier().setSystem(token.getIssuer()).setValue(token.getSubject()));
    }

    /**
     * @param interaction a http://hl7.org/fhir/restful-interaction code (search-type, read) or a CDS Hooks hook
     * @param askedBy     who asked: the requesting agents (a user, the system a token names)
     * @param patients    the patients read about
     * @param query       what was asked, as received
     */
    public void read(String interaction, AuditEvent.AuditEventAction action, List<Reference> askedBy,
                     Collection<Reference> patients, String query) {
        AuditEvent event = AuditEvents.rest(interaction, action, AuditEvent.AuditEventOutcome._0, null, "read-side", false);
        askedBy.forEach(who -> event.addAgent().setRequestor(true).setWho(who));
        patients.forEach(p -> event.addEntity().setWhat(p)
                .setType(new Coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "1", "Person"))
                .setRole(new Coding("http://terminology.hl7.org/CodeSystem/object-role", "1", "Patient")));
        event.addEntity().setType(new Coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "2", "System Object"))
                .setRole(new Coding("http://terminology.hl7.org/CodeSystem/object-role", "24", "Query"))
                .setQuery(query.getBytes(StandardCharsets.UTF_8));
        if (!sent(event)) {
            LOG.warnf("AuditEvent for a read of %d patients not confirmed: answering 503", patients.size());
            throw new ReadNotAudited();
        }
    }

    /** Sends an AuditEvent of this service (a read, an operator's action) and waits: false when the broker did not confirm it. */
    public boolean sent(AuditEvent event) {
        try {
            emitter.send(Fhir.r4().newJsonParser().encodeResourceToString(event)).await().atMost(TIMEOUT);
            return true;
        } catch (RuntimeException e) {
            LOG.warnf("AuditEvent %s not confirmed (%s)", event.getIdPart(), e.getClass().getSimpleName());
            return false;
        }
    }

    /** The read could not be audited: nothing may be answered (each interface answers 503). */
    public static final class ReadNotAudited extends RuntimeException {
        public static final String MESSAGE = "The audit trail could not record this read, so nothing is answered; retry later";

        ReadNotAudited() {
            super(MESSAGE, null, false, false);
        }
    }
}
