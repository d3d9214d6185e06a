package org.lemstriage.ingest.fhir;

/**
 * Input the pipeline cannot accept, with the HTTP status to answer and the FHIRPath of the offending element.
 * Messages carry element names and reasons only, never values from the resource.
 */
public class FhirInputException extends RuntimeException {
    private final int status;
    private final String expression;

    public FhirInputException(int status, String expression, String message) {
        super(message, null, false, false);
        this.status = status;
        this.expression = expression;
    }

    public int status() {
        return status;
    }

    /** FHIRPath of the element at fault, or null when the fault is the whole body. */
    public String expression() {
        return expression;
    }
}
