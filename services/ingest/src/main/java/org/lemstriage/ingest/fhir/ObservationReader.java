package org.lemstriage.ingest.fhir;

import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import jakarta.enterprise.context.ApplicationScoped;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Observation;
import org.lemstriage.ingest.IngestConfig;

/**
 * Parses a request body into an Observation with HAPI, strictly (every parse problem reported, each naming its
 * element), and checks what the pipeline needs: status, code, a patient subject. HAPI's XML parser reads with
 * DTDs and external entities off (tested: XXE is refused).
 */
@ApplicationScoped
public class ObservationReader {
    private static final String FHIR_NAMESPACE = "http://hl7.org/fhir";
    private final int maxDepth;

    public ObservationReader(IngestConfig config) {
        this.maxDepth = config.maxDepth();
    }

    public Observation read(String body, FhirFormat format) {
        IBaseResource parsed = parse(body, format, "Observation");
        if (!(parsed instanceof Observation observation)) {
            throw new FhirInputException(400, "resourceType",
                    "Expected resourceType Observation, got " + parsed.fhirType());
        }
        check(observation, "Observation");
        return observation;
    }

    /**
     * Checks what the pipeline needs of an Observation: status, a coded code, a subject. {@code path} is where it
     * sits, e.g. {@code Bundle.entry[2].resource}.
     */
    public void check(Observation observation, String path) {
        if (!observation.hasStatus()) {
            throw new FhirInputException(422, path + ".status", path + ".status is required");
        }
        if (!observation.hasCode() || !observation.getCode().hasCoding()) {
            throw new FhirInputException(422, path + ".code", path + ".code needs at least one coding");
        }
        if (!observation.hasSubject()) {
            throw new FhirInputException(422, path + ".subject", path + ".subject is required (a Patient)");
        }
    }

    /** Strict parse of any resource, refusing what nests too deep or is XML outside the FHIR namespace. */
    public IBaseResource parse(String body, FhirFormat format, String expectedType) {
        if (body == null || body.isBlank()) {
            throw new FhirInputException(400, null, "The request body is empty; expected a FHIR R4 " + expectedType);
        }
        if (NestingDepth.of(body, format) > maxDepth) {
            throw new FhirInputException(413, null, "The resource nests deeper than " + maxDepth + " levels");
        }
        if (format == FhirFormat.XML && !body.contains(FHIR_NAMESPACE)) {
            throw new FhirInputException(400, null, "FHIR XML must be in the namespace " + FHIR_NAMESPACE);
        }
        IBaseResource parsed;
        StrictParsing strict = new StrictParsing(expectedType);
        try {
            // A parser per call: HAPI parsers are cheap to create and not thread-safe
            IParser parser = format.parser().setParserErrorHandler(strict);
            parsed = parser.parseResource(body);
        } catch (DataFormatException e) {
            throw new FhirInputException(400, null, "The body is not valid FHIR " + format + ": " + safe(e.getMessage()));
        }
        if (!strict.issues().isEmpty()) {
            throw new FhirInputException(400, strict.issues());
        }
        return parsed;
    }

    /** HAPI's messages quote positions and element names, not values; cut them to a sane length. */
    private static String safe(String message) {
        if (message == null) {
            return "unreadable";
        }
        return message.length() > 300 ? message.substring(0, 300) + "..." : message;
    }
}
