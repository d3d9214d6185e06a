package org.lemstriage.ingest.api;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.lemstriage.ingest.fhir.FhirInputException;

/** Every failure leaves as an OperationOutcome with a 4xx or 5xx status: never a stack trace, never a bare body. */
public class ErrorResponses {
    private static final Logger LOG = Logger.getLogger(ErrorResponses.class);

    @ServerExceptionMapper
    public Response badInput(FhirInputException e) {
        IssueType type = e.status() == 422 ? IssueType.PROCESSING : IssueType.INVALID;
        return OperationOutcomes.response(e.status(), IssueSeverity.ERROR, type, e.getMessage(), e.expression());
    }

    @ServerExceptionMapper
    public Response http(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        IssueType type = switch (status) {
            case 404, 405 -> IssueType.NOTSUPPORTED;
            case 413 -> IssueType.TOOLONG;
            case 415, 406 -> IssueType.NOTSUPPORTED;
            default -> status < 500 ? IssueType.INVALID : IssueType.EXCEPTION;
        };
        return OperationOutcomes.response(status, IssueSeverity.ERROR, type, e.getMessage(), null);
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        // Class name only: a message may quote the payload
        LOG.errorf("unexpected failure: %s", e.getClass().getName());
        return OperationOutcomes.response(500, IssueSeverity.FATAL, IssueType.EXCEPTION,
                "Internal error; the request was not accepted, send it again later", null);
    }
}
