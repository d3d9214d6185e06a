package org.lemstriage.model;

import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The Kafka key of every record: one patient, one key, whatever form the subject reference takes.
 * A literal reference ({@code Patient/1} or {@code https://ehr/fhir/Patient/1}) keys as {@code Patient/1};
 * an identifier-only reference keys as {@code identifier:system|value}.
 *
 * <p>A key is never read back as text: {@link #identifier(String)} and {@link #patientId(String)} give its parts, and
 * every EHR search is built from those with HAPI's typed criteria, which escape them. A subject whose id is not a FHIR
 * id ({@code [A-Za-z0-9\-.]{1,64}}), or whose identifier system holds a {@code |} or a control character (no URI
 * does), names no patient: the sender is told so.
 */
public final class PatientKey {
    private static final String IDENTIFIER_PREFIX = "identifier:";
    private static final String PATIENT_PREFIX = "Patient/";
    /** FHIR R4 id (datatypes.html#id). */
    private static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

    private PatientKey() {
    }

    /** The key of a subject reference, or empty when the reference names no patient. */
    public static Optional<String> of(Reference subject) {
        if (subject == null) {
            return Optional.empty();
        }
        if (subject.hasReference()) {
            var id = subject.getReferenceElement();
            if (!"Patient".equals(id.getResourceType()) || !id.hasIdPart() || !FHIR_ID.matcher(id.getIdPart()).matches()) {
                return Optional.empty();
            }
            return Optional.of(PATIENT_PREFIX + id.getIdPart());
        }
        Identifier identifier = subject.getIdentifier();
        if (identifier.hasSystem() && identifier.hasValue() && usableSystem(identifier.getSystem())
                && (!subject.hasType() || "Patient".equals(subject.getType()))) {
            return Optional.of(IDENTIFIER_PREFIX + identifier.getSystem() + "|" + identifier.getValue());
        }
        return Optional.empty();
    }

    /** Whether a key names the patient by identifier (else by the EHR's id). */
    public static boolean byIdentifier(String key) {
        return key.startsWith(IDENTIFIER_PREFIX);
    }

    /** The identifier an identifier key names: its system up to the first {@code |} (a system holds none), the rest its value. */
    public static Identifier identifier(String key) {
        if (!byIdentifier(key)) {
            throw new IllegalArgumentException("not an identifier key");
        }
        String token = key.substring(IDENTIFIER_PREFIX.length());
        int bar = token.indexOf('|');
        if (bar <= 0 || bar == token.length() - 1) {
            throw new IllegalArgumentException("an identifier key without a system or a value");
        }
        return new Identifier().setSystem(token.substring(0, bar)).setValue(token.substring(bar + 1));
    }

    /** The logical id a {@code Patient/id} key names. */
    public static String patientId(String key) {
        if (!key.startsWith(PATIENT_PREFIX) || !FHIR_ID.matcher(key.substring(PATIENT_PREFIX.length())).matches()) {
            throw new IllegalArgumentException("not a Patient/id key");
        }
        return key.substring(PATIENT_PREFIX.length());
    }

    /** The reference to put in resources written back to the EHR (Task.for), from a key. */
    public static Reference toReference(String key) {
        if (byIdentifier(key)) {
            return new Reference().setType("Patient").setIdentifier(identifier(key));
        }
        return new Reference(key);
    }

    private static boolean usableSystem(String system) {
        return !system.isBlank() && system.chars().noneMatch(c -> c == '|' || Character.isISOControl(c) || Character.isWhitespace(c));
    }
}
