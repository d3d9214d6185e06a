package org.lemstriage.ingest.api;

import jakarta.enterprise.context.ApplicationScoped;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.lemstriage.ingest.fhir.FhirInputException;
import org.lemstriage.ingest.http.FhirResponses;
import org.lemstriage.ingest.intake.NotConfirmed;
import org.lemstriage.ingest.intake.ResultIntake;

/**
 * The answer to one result of many taken on its own (a batch entry, an NDJSON line): an HTTP status line and an
 * OperationOutcome, its problem located at {@code path}.
 */
@ApplicationScoped
public class EntryAnswers {
    private final ResultIntake intake;

    public EntryAnswers(ResultIntake intake) {
        this.intake = intake;
    }

    /** What happened to one entry. */
    public record Answer(String status, OperationOutcome outcome) {
    }

    /** An entry that is not a lab result or diagnosis. */
    static Answer notKept() {
        return new Answer("200 OK", outcome(IssueSeverity.INFORMATION, IssueType.INFORMATIONAL,
                "Not a lab result or diagnosis: acknowledged, not kept", null));
    }

    /** A tracked resource, or the {@code problem} that kept it from being read. */
    public Answer take(DomainResource resource, FhirInputException problem, String path) {
        try {
            if (problem != null) {
                throw intake.refused(problem);
            }
            return intake.takeCarried(resource).isPresent() ? new Answer("201 Created", null)
                    : new Answer("200 OK", outcome(IssueSeverity.INFORMATION, IssueType.INFORMATIONAL,
                    "The code is not a tracked analyte or diagnosis: nothing published", null));
        } catch (FhirInputException e) {
            FhirInputException located = e.at(path);
            OperationOutcome outcome = new OperationOutcome();
            for (var issue : located.issues()) {
                var i = outcome.addIssue().setSeverity(IssueSeverity.ERROR)
                        .setCode(located.status() == 422 ? IssueType.PROCESSING : IssueType.INVALID).setDiagnostics(issue.message());
                if (issue.expression() != null) {
                    i.addExpression(issue.expression());
                }
            }
            return new Answer(located.status() + switch (located.status()) {
                case 422 -> " Unprocessable Entity";
                case 403 -> " Forbidden";
                default -> " Bad Request";
            }, outcome);
        } catch (NotConfirmed e) {
            return new Answer("503 Service Unavailable", outcome(IssueSeverity.ERROR, IssueType.TRANSIENT,
                    FhirResponses.notConfirmed("entry"), null));
        } catch (RuntimeException e) {
            // One entry lems-triage could not take is that entry's answer, not the whole request's
            return new Answer("503 Service Unavailable", outcome(IssueSeverity.ERROR, IssueType.EXCEPTION,
                    "lems-triage could not take this entry (" + e.getClass().getSimpleName() + "): send it again", null));
        }
    }

    static OperationOutcome outcome(IssueSeverity severity, IssueType type, String text, String expression) {
        OperationOutcome outcome = new OperationOutcome();
        var issue = outcome.addIssue().setSeverity(severity).setCode(type).setDiagnostics(text);
        if (expression != null) {
            issue.addExpression(expression);
        }
        return outcome;
    }
}
