package org.lemstriage.ingest.http;

import jakarta.ws.rs.core.Response;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.lemstriage.ingest.fhir.FhirFormat;
import org.lemstriage.ingest.fhir.FhirInputException;

import java.util.List;

/**
 * HTTP answers that carry a FHIR resource in the format asked for: every answer of the ingest API, success or failure,
 * is one (an OperationOutcome, a batch-response Bundle, the CapabilityStatement).
 */
public final class FhirResponses {
    public static final String FHIR_JSON = "application/fhir+json";
    public static final String FHIR_XML = "application/fhir+xml";

    private FhirResponses() {
    }

    public static Response response(int status, IssueSeverity severity, IssueType type,
                                    List<FhirInputException.Issue> issues, FhirFormat format) {
        OperationOutcome outcome = new OperationOutcome();
        for (FhirInputException.Issue issue : issues) {
            var i = outcome.addIssue().setSeverity(severity).setCode(type).setDiagnostics(issue.message());
            if (issue.expression() != null) {
                i.addExpression(issue.expression());
            }
        }
        return resource(status, outcome, format);
    }

    public static Response response(int status, IssueSeverity severity, IssueType type, String diagnostics,
                                    String expression, FhirFormat format) {
        return response(status, severity, type, List.of(new FhirInputException.Issue(expression, diagnostics)), format);
    }

    public static Response information(int status, String diagnostics, FhirFormat format) {
        return response(status, IssueSeverity.INFORMATION, IssueType.INFORMATIONAL, diagnostics, null, format);
    }

    /**
     * What a 503 for a write Kafka did not confirm says: the write may still land (a record or a commit in flight when
     * the wait ran out), so "nothing was accepted" would not be true; a resend is what makes it certain, and is safe.
     */
    public static String notConfirmed(String what) {
        return "Kafka did not confirm the write in time, so it is not confirmed: it may or may not have been accepted. "
                + "Sending it again is safe: a resend of the same " + what + " (same id and version) changes nothing twice.";
    }

    /** 503 for a write Kafka did not confirm ({@link #notConfirmed(String)}): the sender sends again in 5 s. */
    public static Response notConfirmed(String what, FhirFormat format) {
        return unavailable(notConfirmed(what), 5, format);
    }

    /** 503: the sender sends again after {@code retryAfterSeconds}. */
    public static Response unavailable(String diagnostics, int retryAfterSeconds, FhirFormat format) {
        return Response.fromResponse(response(503, IssueSeverity.ERROR, IssueType.TRANSIENT, diagnostics, null, format))
                .header("Retry-After", String.valueOf(retryAfterSeconds)).build();
    }

    public static Response resource(int status, IBaseResource resource, FhirFormat format) {
        return Response.status(status).type(format.mediaType())
                .entity(format.parser().encodeResourceToString(resource)).build();
    }
}
