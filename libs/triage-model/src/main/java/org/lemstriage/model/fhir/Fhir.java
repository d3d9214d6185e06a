package org.lemstriage.model.fhir;

import ca.uhn.fhir.context.FhirContext;

/** The one R4 FhirContext of a JVM: it is expensive to build and thread-safe once built. */
public final class Fhir {
    private Fhir() {
    }

    public static FhirContext r4() {
        return FhirContext.forR4Cached();
    }
}
