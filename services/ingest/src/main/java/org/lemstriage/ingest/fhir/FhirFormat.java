package org.lemstriage.ingest.fhir;

import ca.uhn.fhir.parser.IParser;
import org.lemstriage.model.fhir.Fhir;

import java.util.Locale;

/** FHIR's two formats this API reads and writes, chosen by Content-Type and Accept (or _format) as FHIR specifies. */
public enum FhirFormat {
    JSON("application/fhir+json"), XML("application/fhir+xml");

    private final String mediaType;

    FhirFormat(String mediaType) {
        this.mediaType = mediaType;
    }

    public String mediaType() {
        return mediaType;
    }

    public IParser parser() {
        return this == JSON ? Fhir.r4().newJsonParser() : Fhir.r4().newXmlParser();
    }

    /** The body's format from its Content-Type; JSON when it does not say XML. */
    public static FhirFormat ofContentType(String contentType) {
        return contentType != null && contentType.toLowerCase(Locale.ROOT).contains("xml") ? XML : JSON;
    }

    /** The answer's format: {@code _format} if given, else the Accept header, else the request's own format. */
    public static FhirFormat ofResponse(String format, String accept, FhirFormat request) {
        String asked = format != null ? format : accept;
        if (asked == null || asked.isBlank() || asked.contains("*/*")) {
            return request;
        }
        String lower = asked.toLowerCase(Locale.ROOT);
        if (lower.contains("xml")) {
            return XML;
        }
        return lower.contains("json") ? JSON : request;
    }
}
