package org.lemstriage.readside.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.lemstriage.readside.store.AuditEventQuery;
import org.lemstriage.readside.store.AuditRecord;
import ca.uhn.fhir.rest.server.exceptions.UnclassifiedServerFailureException;
import org.lemstriage.readside.trail.ReadAuditTrail;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every answer of the FHIR API that names a patient, in its query or in what it returns, is audited first
 * ({@link ReadAuditTrail}): the caller as the token names them (issuer and subject), the patients, the query.
 */
@ApplicationScoped
@Interceptor
public class PatientReadAudit {
    private final ReadAuditTrail trail;
    private final JsonWebToken caller;

    public PatientReadAudit(ReadAuditTrail trail, JsonWebToken caller) {
        this.trail = trail;
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
                var target = AuditEventQuery.Target.identifierToken(token);
                patients.putIfAbsent(token, new Reference().setType("Patient")
                        .setIdentifier(new Identifier().setSystem(target.system()).setValue(target.value())));
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
        String url = request.getCompleteUrl();
        try {
            trail.read(search ? "search-type" : "read", search ? AuditEvent.AuditEventAction.E : AuditEvent.AuditEventAction.R,
                    List.of(ReadAuditTrail.person(caller)), patients.values(),
                    request.getRequestPath() + (url.contains("?") ? url.substring(url.indexOf('?')) : ""));
        } catch (ReadAuditTrail.ReadNotAudited e) {
            throw new UnclassifiedServerFailureException(503, ReadAuditTrail.ReadNotAudited.MESSAGE);
        }
        return true;
    }

    private static void patientsOf(IBaseResource resource, Map<String, Reference> patients) {
        if (resource instanceof AuditEvent read) {
            for (AuditEvent.AuditEventEntityComponent entity : read.getEntity()) {
                Reference what = entity.getWhat();
                if (AuditRecord.isPatient(what)) {
                    String key = what.hasReference() ? what.getReference() : what.getIdentifier().getSystem() + "|" + what.getIdentifier().getValue();
                    patients.putIfAbsent(key, what.copy());
                }
            }
        }
    }
}
