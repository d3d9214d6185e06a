package org.lemstriage.ingest.api;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.lemstriage.ingest.fhir.FhirFormat;

import java.util.Optional;

/**
 * A body larger than the limit (default 10 MiB) is refused before it is read, with a 413 OperationOutcome. A body
 * without Content-Length (chunked) meets Quarkus' own limit, quarkus.http.limits.max-body-size.
 */
public class RequestSizeLimit {
    private final long maxBytes;

    public RequestSizeLimit(@ConfigProperty(name = "lemstriage.ingest.max-request-bytes", defaultValue = "10485760") long maxBytes) {
        this.maxBytes = maxBytes;
    }

    @ServerRequestFilter(preMatching = true)
    public Optional<Response> limit(ContainerRequestContext request) {
        String length = request.getHeaderString(HttpHeaders.CONTENT_LENGTH);
        if (length == null) {
            return Optional.empty();
        }
        try {
            if (Long.parseLong(length.trim()) <= maxBytes) {
                return Optional.empty();
            }
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        return Optional.of(OperationOutcomes.response(413, IssueSeverity.ERROR, IssueType.TOOLONG,
                "The request body is larger than " + maxBytes + " bytes", null,
                FhirFormat.ofContentType(request.getHeaderString(HttpHeaders.CONTENT_TYPE))));
    }
}
