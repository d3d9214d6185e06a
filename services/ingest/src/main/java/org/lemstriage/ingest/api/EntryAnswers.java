package org.lemstriage.ingest.api;

import jakarta.enterprise.context.ApplicationScoped;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.lemstriage.ingest.audit.RequestTally;
import org.lemstriage.ingest.auth.GrantedScopes;
import org.lemstriage.ingest.fhir.FhirInputException;
import org.lemstriage.ingest.fhir.FhirResponses;
import org.lemstriage.ingest.fhir.LabResultMapper;
import org.lemstriage.ingest.kafka.LabResultPublisher;
import org.lemstriage.model.event.LabResult;
import org.lemstriage.model.metrics.RecordCounters;
import org.hl7.fhir.r4.model.DomainResource;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One tracked resource of many (a batch entry, an NDJSON line), taken on its own: mapped, published and confirmed, or
 * refused with its problem located at {@code path}. The answer is an HTTP status line and an OperationOutcome.
 */
@ApplicationScoped
public class EntryIntake {
    private final LabResultMapper mapper;
    private final LabResultPublisher publisher;
    private final RecordCounters counters;
    private final RequestTally tally;
    private final GrantedScopes granted;

    public EntryIntake(LabResultMapper mapper, LabResultPublisher publisher, RecordCounters counters, RequestTally tally,
                       GrantedScopes granted) {
        this.mapper = mapper;
        this.publisher = publisher;
        this.counters = counters;
        this.tally = tally;
        this.granted = granted;
    }

    /** What happened to one entry. */
    public record Result(String status, OperationOutcome outcome) {
    }

    public Result take(DomainResource resource, FhirInputException problem, String path) {
        counters.in();
        try {
            if (problem != null) {
                throw problem;
            }
            granted.requireCreating(resource);
            Optional<LabResult> result = mapper.map(resource);
            if (result.isEmpty()) {
                counters.skipped("untracked-code");
                tally.untracked();
                return new Result("200 OK", outcome(IssueSeverity.INFORMATION, IssueType.INFORMATIONAL,
                        "The code is not a tracked analyte or diagnosis: nothing published", null));
            }
            publisher.publish(result.get());
            counters.out();
            tally.published();
            return new Result("201 Created", null);
        } catch (FhirInputException e) {
            counters.rejected("invalid");
            tally.rejected();
            FhirInputException located = at(e, path);
            OperationOutcome outcome = new OperationOutcome();
            for (var issue : located.issues()) {
                var i = outcome.addIssue().setSeverity(IssueSeverity.ERROR)
                        .setCode(located.status() == 422 ? IssueType.PROCESSING : IssueType.INVALID).setDiagnostics(issue.message());
                if (issue.expression() != null) {
                    i.addExpression(issue.expression());
                }
            }
            return new Result(located.status() + switch (located.status()) {
                case 422 -> " Unprocessable Entity";
                case 403 -> " Forbidden";
                default -> " Bad Request";
            }, outcome);
        } catch (RuntimeException e) {
            counters.rejected("kafka-unavailable");
            tally.rejected();
            return new Result("503 Service Unavailable", outcome(IssueSeverity.ERROR, IssueType.TRANSIENT,
                    FhirResponses.notConfirmed("entry"), null));
        }
    }

    /** The same problem, its element named where it sits (a Bundle entry, an NDJSON line). */
    static FhirInputException at(FhirInputException e, String path) {
        List<FhirInputException.Issue> issues = new ArrayList<>();
        for (var issue : e.issues()) {
            String expression = issue.expression() == null ? path : issue.expression().startsWith("Bundle.")
                    ? issue.expression() : issue.expression().replaceFirst("^(Observation|Condition)", path);
            issues.add(new FhirInputException.Issue(expression, issue.message()));
        }
        return new FhirInputException(e.status(), issues);
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
