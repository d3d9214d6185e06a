package org.lemstriage.ingest.fhir;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

import java.util.HashMap;
import java.util.Map;

/**
 * An Observation in a Bundle may name its patient by the fullUrl of a Patient entry (often urn:uuid) or as a
 * contained Patient. Both become a reference that keys the patient the same way as anywhere else: the Patient's id
 * when it has a server id, else its first identifier.
 */
final class BundleSubjects {
    private final Map<String, Patient> byFullUrl = new HashMap<>();

    BundleSubjects(Bundle bundle) {
        for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
            if (entry.getResource() instanceof Patient patient && entry.hasFullUrl()) {
                byFullUrl.put(entry.getFullUrl(), patient);
            }
        }
    }

    /**
     * Rewrites a tracked resource's subject (an Observation's, a Condition's) in place when it points into the Bundle
     * or at a contained Patient (then dropped).
     */
    void resolve(DomainResource resource, String path) {
        Reference subject = TrackedResources.subject(resource);
        if (!subject.hasReference()) {
            return;
        }
        String ref = subject.getReference();
        Patient patient = null;
        if (ref.startsWith("#")) {
            for (Resource contained : resource.getContained()) {
                if (contained instanceof Patient p && ref.substring(1).equals(p.getIdElement().getIdPart())) {
                    patient = p;
                }
            }
            if (patient == null) {
                throw new FhirInputException(422, path + ".subject", path + ".subject names a contained Patient that is not there");
            }
        } else if (byFullUrl.containsKey(ref)) {
            patient = byFullUrl.get(ref);
        } else if (ref.startsWith("urn:")) {
            throw new FhirInputException(422, path + ".subject", path + ".subject names a Bundle entry that is not a Patient");
        }
        if (patient == null) {
            return;
        }
        boolean hasServerId = patient.getIdElement().hasIdPart() && !ref.startsWith("#")
                && !patient.getIdElement().getValue().startsWith("urn:");
        if (hasServerId) {
            TrackedResources.setSubject(resource, new Reference("Patient/" + patient.getIdElement().getIdPart()));
        } else if (patient.hasIdentifier() && patient.getIdentifierFirstRep().hasSystem() && patient.getIdentifierFirstRep().hasValue()) {
            Identifier id = patient.getIdentifierFirstRep();
            TrackedResources.setSubject(resource, new Reference().setType("Patient")
                    .setIdentifier(new Identifier().setSystem(id.getSystem()).setValue(id.getValue())));
        } else {
            throw new FhirInputException(422, path + ".subject",
                    path + ".subject names a Patient with neither an id nor an identifier (system and value)");
        }
        if (ref.startsWith("#")) {
            // Now referenced by nobody: left in place it would break R4's dom-3 (contained resources are referenced),
            // and the pipeline keeps no demographics
            resource.getContained().remove(patient);
        }
    }
}
