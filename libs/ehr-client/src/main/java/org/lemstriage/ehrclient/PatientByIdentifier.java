package org.lemstriage.ehrclient;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;

import java.util.List;

/**
 * The one Patient the EHR holds with an identifier (an HL7 v2 result names its patient by PID-3 only). The search is
 * HAPI's typed criteria (the value escaped and encoded), and the answer is checked: exactly one Patient, carrying
 * exactly that identifier (a server that ignored the escaping would answer another patient). None or several: {@link
 * NotResolved}, and nothing is read or written for that patient; never "the first match".
 */
public final class PatientByIdentifier {
    /** Why a patient named by identifier is not one Patient of the EHR: a count, never the identifier. */
    public static final class NotResolved extends RuntimeException {
        private final int found;

        NotResolved(int found) {
            super(found == 0 ? "no Patient in the EHR carries the result's patient identifier"
                    : found + " Patients in the EHR carry the result's patient identifier", null, false, false);
            this.found = found;
        }

        /** How many Patients the search answered (0 or more than 1). */
        public int found() {
            return found;
        }

        /** The metrics' and dead-letter queue's reason. */
        public String reason() {
            return found == 0 ? "patient-not-found" : "patient-not-unique";
        }
    }

    private PatientByIdentifier() {
    }

    /** @throws NotResolved when the EHR holds no Patient, or several, with this identifier */
    public static Patient resolve(EhrClient ehr, Identifier identifier) {
        List<Patient> found = ehr.searchAll("search Patient by identifier", Patient.class,
                c -> c.search().forResource(Patient.class).cacheControl(EhrClient.FRESH)
                        .where(Patient.IDENTIFIER.exactly().systemAndIdentifier(identifier.getSystem(), identifier.getValue()))
                        .returnBundle(Bundle.class).execute());
        return checked(found, identifier);
    }

    /**
     * The one Patient a search by {@code identifier} found (in a batch, say), checked as {@link #resolve} checks it.
     *
     * @throws NotResolved when the search found none, or several, or one without the identifier
     */
    public static Patient checked(List<Patient> found, Identifier identifier) {
        if (found.size() != 1) {
            throw new NotResolved(found.size());
        }
        if (!carries(found.get(0), identifier)) {
            throw new NotResolved(0); // the server answered a Patient without the identifier: not ours
        }
        return found.get(0);
    }

    /** Whether the Patient carries exactly that identifier (a server's search is not trusted blindly). */
    private static boolean carries(Patient patient, Identifier wanted) {
        return patient.getIdentifier().stream()
                .anyMatch(i -> wanted.getSystem().equals(i.getSystem()) && wanted.getValue().equals(i.getValue()));
    }
}
