package org.lemstriage.model;

/** Topic names: the contracts between the services (DESIGN.md, "Topics"). Every record is keyed by {@link PatientKey}. */
public final class Topics {
    public static final String LAB_OBSERVATION = "lab.observation.v1";
    public static final String LAB_OBSERVATION_DLQ = "lab.observation.dlq";
    public static final String TRIAGE_DECISION = "triage.decision.v1";
    public static final String TRIAGE_DECISION_DLQ = "triage.decision.dlq";
    public static final String TRIAGE_AUDIT = "triage.audit.v1";
    /** The classifier's requests for clinical context, and the answers: internal to the classifier service. */
    public static final String CONTEXT_REQUEST = "triage.context-request.v1";
    public static final String CONTEXT = "triage.context.v1";
    public static final String CONTEXT_REQUEST_DLQ = "triage.context-request.dlq";

    /** All topics of the pipeline, for provisioning a broker (tests, local stack). */
    public static final java.util.List<String> ALL =
            java.util.List.of(LAB_OBSERVATION, LAB_OBSERVATION_DLQ, TRIAGE_DECISION, TRIAGE_DECISION_DLQ, TRIAGE_AUDIT,
                    CONTEXT_REQUEST, CONTEXT, CONTEXT_REQUEST_DLQ);

    private Topics() {
    }
}
