package org.lemstriage.ingest.fhir;

import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Reference;

import java.util.Set;

/**
 * The resource types ingest takes: Observations (antibody results) and Conditions (a recorded
 * LEMS diagnosis). What the pipeline needs of each, whichever it is.
 */
public final class TrackedResources {
    public static final Set<String> TYPES = Set.of("Observation", "Condition");

    private TrackedResources() {
    }

    public static boolean tracked(Object resource) {
        return resource instanceof Observation || resource instanceof Condition;
    }

    static Reference subject(DomainResource resource) {
        return resource instanceof Condition c ? c.getSubject() : ((Observation) resource).getSubject();
    }

    static void setSubject(DomainResource resource, Reference subject) {
        if (resource instanceof Condition c) {
            c.setSubject(subject);
        } else {
            ((Observation) resource).setSubject(subject);
        }
    }

    /**
     * Checks what the pipeline needs: an Observation's status, coded code and subject; a Condition's coded code and
     * subject. {@code path} is where it sits, e.g. {@code Bundle.entry[2].resource}.
     */
    public static void check(DomainResource resource, String path) {
        if (resource instanceof Observation observation && !observation.hasStatus()) {
            throw new FhirInputException(422, path + ".status", path + ".status is required");
        }
        var code = resource instanceof Condition c ? c.getCode() : ((Observation) resource).getCode();
        if (code == null || !code.hasCoding()) {
            throw new FhirInputException(422, path + ".code", path + ".code needs at least one coding");
        }
        if (subject(resource) == null || subject(resource).isEmpty()) {
            throw new FhirInputException(422, path + ".subject", path + ".subject is required (a Patient)");
        }
    }
}
