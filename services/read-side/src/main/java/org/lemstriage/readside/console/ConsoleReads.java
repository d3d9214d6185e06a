package org.lemstriage.readside.console;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.jwt.JsonWebToken;
import io.quarkus.oidc.IdToken;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Reference;
import org.lemstriage.readside.trail.ReadAuditTrail;
import org.lemstriage.model.PatientKey;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Every console page that shows patients is audited before it is sent (the same trail as the FHIR API): the person
 * logged in, as their ID token names them, the patients on the page, and the page asked for. A page naming no patient
 * is not a read of patient data.
 */
@RequestScoped
public class ConsoleReads {
    private final ReadAuditTrail trail;
    /** The person, from their ID token (the qualifier cannot be put on a constructor parameter) */
    @Inject
    @IdToken
    JsonWebToken user;

    public ConsoleReads(ReadAuditTrail trail) {
        this.trail = trail;
    }

    /** One patient's page. */
    public void read(String patientKey, String page) {
        trail.read("read", AuditEvent.AuditEventAction.R, List.of(ReadAuditTrail.person(user)), List.of(PatientKey.toReference(patientKey)), page);
    }

    /** A list or search naming these patients. */
    public void searched(Collection<String> patientKeys, String page) {
        List<Reference> patients = new LinkedHashSet<>(patientKeys).stream().map(PatientKey::toReference).toList();
        if (!patients.isEmpty()) {
            trail.read("search-type", AuditEvent.AuditEventAction.E, List.of(ReadAuditTrail.person(user)), patients, page);
        }
    }
}
