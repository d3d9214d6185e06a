package org.lemstriage.ingest.http;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.lemstriage.ingest.fhir.FhirFormat;
import org.lemstriage.ingest.fhir.FhirInputException;

/** Every failure leaves as an OperationOutcome with a 4xx or 5xx status: never a stack trace, never a bare body. */
public class ErrorResponses {
    private static final Logger LOG = Logger.getLogger(ErrorResponses.class);

    @ServerExceptionMapper
    public Response badInput(FhirInputException e, HttpHeaders headers, UriInfo uri) {
        IssueType type = e.status() == 422 ? IssueType.PROCESSING : IssueType.INVALID;
        return FhirResponses.response(e.status(), IssueSeverity.ERROR, type, e.issues(), format(headers, uri));
    }

    @ServerExceptionMapper
    public Response http(WebApplicationException e, HttpHeaders headers, UriInfo uri) {
        int status = e.getResponse().getStatus();
        IssueType type = switch (status) {
            case 404, 405, 406, 415 -> IssueType.NOTSUPPORTED;
            case 413 -> IssueType.TOOLONG;
            default -> status < 500 ? IssueType.INVALID : IssueType.EXCEPTION;
        };
        return FhirResponses.response(status, IssueSeverity.ERROR, type, e.getMessage(), null, format(headers, uri));
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e, HttpHeaders headers, UriInfo uri) {
        // Class name only: a message may quote the payload
        LOG.errorf("unexpected failure: %s", e.getClass().getName());
        return FhirResponses.response(500, IssueSeverity.FATAL, IssueType.EXCEPTION,
                "Internal error; the request was not accepted, send it again later", null, format(headers, uri));
    }

    private static FhirFormat format(HttpHeaders headers, UriInfo uri) {
        FhirFormat request = FhirFormat.ofContentType(headers.getHeaderString(HttpHeaders.CONTENT_TYPE));
        return FhirFormat.ofResponse(uri.getQueryParameters().getFirst("_format"), headers.getHeaderString(HttpHeaders.ACCEPT), request);
    }
}
