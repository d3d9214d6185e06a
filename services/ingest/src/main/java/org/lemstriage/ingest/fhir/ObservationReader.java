package org.lemstriage.ingest.fhir;

import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import jakarta.enterprise.context.ApplicationScoped;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Observation;
import org.lemstriage.model.fhir.Fhir;

/**
 * Parses a request body into an Observation with HAPI and checks what the pipeline needs: status, code and a
 * patient subject. Deeper validation (strict parsing, the instance validator) belongs to the ingest issue.
 */
@ApplicationScoped
public class ObservationReader {

    public Observation read(String body) {
        if (body == null || body.isBlank()) {
            throw new FhirInputException(400, null, "The request body is empty; expected a FHIR R4 Observation in JSON");
        }
        IBaseResource parsed;
        try {
            // A parser per call: HAPI parsers are cheap to create and not thread-safe
            IParser parser = Fhir.r4().newJsonParser();
            parsed = parser.parseResource(body);
        } catch (DataFormatException e) {
            throw new FhirInputException(400, null, "The body is not valid FHIR JSON: " + safe(e.getMessage()));
        }
        if (!(parsed instanceof Observation observation)) {
            throw new FhirInputException(400, "resourceType",
                    "Expected resourceType Observation, got " + parsed.fhirType());
        }
        if (!observation.hasStatus()) {
            throw new FhirInputException(422, "Observation.status", "Observation.status is required");
        }
        if (!observation.hasCode() || !observation.getCode().hasCoding()) {
            throw new FhirInputException(422, "Observation.code", "Observation.code needs at least one coding");
        }
        if (!observation.hasSubject()) {
            throw new FhirInputException(422, "Observation.subject", "Observation.subject is required (a Patient)");
        }
        return observation;
    }

    /** HAPI's messages quote positions and element names, not values; cut them to a sane length. */
    private static String safe(String message) {
        if (message == null) {
            return "unreadable";
        }
        return message.length() > 300 ? message.substring(0, 300) + "..." : message;
    }
}
