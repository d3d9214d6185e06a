package org.lemstriage.ingest.api;

import jakarta.ws.rs.core.Response;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.lemstriage.model.fhir.Fhir;

/** FHIR OperationOutcome responses: every answer of the ingest API, success or failure, is one. */
public final class OperationOutcomes {
    public static final String FHIR_JSON = "application/fhir+json";

    private OperationOutcomes() {
    }

    public static Response response(int status, IssueSeverity severity, IssueType type, String diagnostics,
                                    String expression) {
        OperationOutcome outcome = new OperationOutcome();
        var issue = outcome.addIssue().setSeverity(severity).setCode(type).setDiagnostics(diagnostics);
        if (expression != null) {
            issue.addExpression(expression);
        }
        return Response.status(status).type(FHIR_JSON)
                .entity(Fhir.r4().newJsonParser().encodeResourceToString(outcome)).build();
    }

    public static Response information(int status, String diagnostics) {
        return response(status, IssueSeverity.INFORMATION, IssueType.INFORMATIONAL, diagnostics, null);
    }
}
