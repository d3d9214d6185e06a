package org.lemstriage.model;

import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;

import java.util.Optional;

/**
 * The Kafka key of every record: one patient, one key, whatever form the subject reference takes.
 * A literal reference ({@code Patient/1} or {@code https://ehr/fhir/Patient/1}) keys as {@code Patient/1};
 * an identifier-only reference keys as {@code identifier:system|value}.
 */
public final class PatientKey {
    private static final String IDENTIFIER_PREFIX = "identifier:";

    private PatientKey() {
    }

    /** The key of a subject reference, or empty when the reference names no patient. */
    public static Optional<String> of(Reference subject) {
        if (subject == null) {
            return Optional.empty();
        }
        if (subject.hasReference()) {
            var id = subject.getReferenceElement();
            if (!"Patient".equals(id.getResourceType()) || !id.hasIdPart()) {
                return Optional.empty();
            }
            return Optional.of("Patient/" + id.getIdPart());
        }
        Identifier identifier = subject.getIdentifier();
        if (identifier.hasSystem() && identifier.hasValue()
                && (!subject.hasType() || "Patient".equals(subject.getType()))) {
            return Optional.of(IDENTIFIER_PREFIX + identifier.getSystem() + "|" + identifier.getValue());
        }
        return Optional.empty();
    }

    /** The reference to put in resources written back to the EHR (Task.for), from a key. */
    public static Reference toReference(String key) {
        if (key.startsWith(IDENTIFIER_PREFIX)) {
            String token = key.substring(IDENTIFIER_PREFIX.length());
            int bar = token.indexOf('|');
            return new Reference().setType("Patient")
                    .setIdentifier(new Identifier().setSystem(token.substring(0, bar)).setValue(token.substring(bar + 1)));
        }
        return new Reference(key);
    }
}
