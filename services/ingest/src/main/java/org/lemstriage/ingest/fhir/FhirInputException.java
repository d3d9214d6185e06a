package org.lemstriage.ingest.fhir;

import java.util.ArrayList;
import java.util.List;

/**
 * Input the pipeline cannot accept, with the HTTP status to answer and each problem with the FHIRPath of the
 * element at fault. Messages carry element names and reasons only, never values from the resource.
 */
public class FhirInputException extends RuntimeException {
    private final int status;
    private final List<Issue> issues;

    public FhirInputException(int status, String expression, String message) {
        this(status, List.of(new Issue(expression, message)));
    }

    public FhirInputException(int status, List<Issue> issues) {
        super(issues.get(0).message(), null, false, false);
        this.status = status;
        this.issues = List.copyOf(issues);
    }

    public int status() {
        return status;
    }

    /** FHIRPath of the first element at fault, or null when the fault is the whole body. */
    public String expression() {
        return issues.get(0).expression();
    }

    public List<Issue> issues() {
        return issues;
    }

    /** The same problem, its element named where it sits (a Bundle entry, an NDJSON line, a notification's focus). */
    public FhirInputException at(String path) {
        List<Issue> located = new ArrayList<>();
        for (Issue issue : issues) {
            String expression = issue.expression() == null ? path : issue.expression().startsWith("Bundle.")
                    ? issue.expression() : issue.expression().replaceFirst("^(Observation|Condition)", path);
            located.add(new Issue(expression, issue.message()));
        }
        return new FhirInputException(status, located);
    }

    /** One problem: where (FHIRPath, or null for the whole body) and what. */
    public record Issue(String expression, String message) {
    }
}
