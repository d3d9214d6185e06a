package org.lemstriage.audit.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.UnclassifiedServerFailureException;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.jboss.logging.Logger;
import org.lemstriage.model.fhir.AuditEvents;
import org.lemstriage.model.fhir.Fhir;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reading about a patient is itself audited (IHE Basic Audit Log Patterns, "Query" and "Read"): one AuditEvent on
 * triage.audit.v1 for each answer that names a patient, in its query or in what it returns: who asked (the token's
 * issuer and subject), which patients, the query, when. The answer waits for the broker's acknowledgement: when the
 * audit trail cannot take it, the answer is 503 and no data leaves.
 */
@ApplicationScoped
@Interceptor
public class PatientReadAudit {
    public static final String CHANNEL = "read-audit";
    private static final Logger LOG = Logger.getLogger(PatientReadAudit.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final MutinyEmitter<String> emitter;
    private final JsonWebToken caller;

    public PatientReadAudit(@Channel(CHANNEL) MutinyEmitter<String> emitter, JsonWebToken caller) {
        this.emitter = emitter;
        this.caller = caller;
    }

    @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
    public boolean audit(RequestDetails request, IBaseResource response) {
        Map<String, Reference> patients = new LinkedHashMap<>();
        for (String values : request.getParameters().getOrDefault(AuditEvent.SP_PATIENT, new String[0])) {
            for (String value : values.split(",")) {
                String reference = value.contains("/") ? value : "Patient/" + value;
                patients.putIfAbsent(reference, new Reference(reference));
            }
        }
        for (String values : request.getParameters().getOrDefault(AuditEvent.SP_PATIENT + ".identifier", new String[0])) {
            for (String token : values.split(",")) {
                int bar = token.indexOf('|');
                patients.putIfAbsent(token, new Reference().setType("Patient").setIdentifier(bar < 0 ? new Identifier().setValue(token)
                        : new Identifier().setSystem(token.substring(0, bar)).setValue(token.substring(bar + 1))));
            }
        }
        if (response instanceof Bundle bundle) {
            bundle.getEntry().forEach(e -> patientsOf(e.getResource(), patients));
        } else {
            patientsOf(response, patients);
        }
        if (patients.isEmpty()) {
            return true;
        }
        boolean search = request.getRestOperationType() == RestOperationTypeEnum.SEARCH_TYPE;
        AuditEvent event = AuditEvents.rest(search ? "search-type" : "read",
                search ? AuditEvent.AuditEventAction.E : AuditEvent.AuditEventAction.R, AuditEvent.AuditEventOutcome._0,
                null, "audit", false);
        event.addAgent().setRequestor(true).setWho(new Reference().setDisplay(caller.getName())
                .setIdentifier(new Identifier().setSystem(caller.getIssuer()).setValue(caller.getSubject())));
        patients.values().forEach(p -> event.addEntity().setWhat(p)
                .setType(new Coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "1", "Person"))
                .setRole(new Coding("http://terminology.hl7.org/CodeSystem/object-role", "1", "Patient")));
        event.addEntity().setType(new Coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "2", "System Object"))
                .setRole(new Coding("http://terminology.hl7.org/CodeSystem/object-role", "24", "Query"))
                .setQuery((request.getRequestPath() + (request.getCompleteUrl().contains("?")
                        ? request.getCompleteUrl().substring(request.getCompleteUrl().indexOf('?')) : "")).getBytes(StandardCharsets.UTF_8));
        try {
            emitter.send(Fhir.r4().newJsonParser().encodeResourceToString(event)).await().atMost(TIMEOUT);
        } catch (RuntimeException e) {
            LOG.warnf("AuditEvent for a read of %d patients not confirmed (%s): answering 503", patients.size(), e.getClass().getSimpleName());
            throw new UnclassifiedServerFailureException(503, "The audit trail could not record this read, so nothing is answered; retry later");
        }
        return true;
    }

    private static void patientsOf(IBaseResource resource, Map<String, Reference> patients) {
        if (resource instanceof AuditEvent read) {
            for (AuditEvent.AuditEventEntityComponent entity : read.getEntity()) {
                Reference what = entity.getWhat();
                boolean patient = what.hasReference() ? "Patient".equals(what.getReferenceElement().getResourceType())
                        : "Patient".equals(what.getType());
                if (patient) {
                    String key = what.hasReference() ? what.getReference() : what.getIdentifier().getSystem() + "|" + what.getIdentifier().getValue();
                    patients.putIfAbsent(key, what.copy());
                }
            }
        }
    }
}
