package org.lemstriage.ingest.fhir;

import ca.uhn.fhir.context.FhirContext;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.lemstriage.model.fhir.Fhir;

/**
 * How ingest's FhirContext encodes. By default HAPI searches every resource it encodes for references to resources
 * without an id, to contain them; nothing ingest encodes has one (its references are built from strings, and what it
 * parsed keeps the contained resources it came with). Encoding each request's AuditEvent was a fifth of ingest's CPU
 * for single Observations (JFR), and that search a third of each encoding.
 */
@ApplicationScoped
public class FhirEncoding {
    void configure(@Observes StartupEvent started) {
        apply(Fhir.r4());
    }

    static void apply(FhirContext fhir) {
        fhir.getParserOptions().setAutoContainReferenceTargetsWithNoId(false);
    }
}
