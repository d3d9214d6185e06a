package org.lemstriage.ingest.fhir;

import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import jakarta.enterprise.context.ApplicationScoped;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.DomainResource;
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
        return (Observation) read(body, format, "Observation");
    }

    /** A tracked resource of the expected type ({@link TrackedResources#TYPES}), parsed strictly and checked. */
    public DomainResource read(String body, FhirFormat format, String type) {
        IBaseResource parsed = parse(body, format, type);
        if (!type.equals(parsed.fhirType())) {
            throw new FhirInputException(400, "resourceType", "Expected resourceType " + type + ", got " + parsed.fhirType());
        }
        DomainResource resource = (DomainResource) parsed;
        TrackedResources.check(resource, type);
        return resource;
    }

    /** See {@link TrackedResources#check}. */
    public void check(DomainResource resource, String path) {
        TrackedResources.check(resource, path);
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
