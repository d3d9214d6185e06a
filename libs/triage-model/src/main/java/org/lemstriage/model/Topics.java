package org.lemstriage.model;

import java.util.List;
import java.util.Map;

/**
 * Topic names: the contracts between the services (docs/design.md), written here and nowhere else. Every record
 * is keyed by {@link PatientKey}. The services' channel configuration names them as {@code ${lemstriage.topic.<name>}}
 * ({@link TopicNames} serves them as configuration).
 */
public final class Topics {
    public static final String LAB_OBSERVATION = "lab.observation.v1";
    /** Records on lab.observation.v1 that the classifier cannot read, with the reason in headers. */
    public static final String LAB_OBSERVATION_DLQ = "lab.observation.dlq";
    public static final String TRIAGE_DECISION = "triage.decision.v1";
    public static final String TRIAGE_DECISION_DLQ = "triage.decision.dlq";
    public static final String TRIAGE_AUDIT = "triage.audit.v1";
    /** Records of triage.audit.v1 or triage.decision.v1 that the audit store cannot read, with the reason in headers. */
    public static final String AUDIT_STORE_DLQ = "triage.audit-store.dlq";
    /** The classifier's requests for clinical context, and the answers: internal to the classifier service. */
    public static final String CONTEXT_REQUEST = "triage.context-request.v1";
    public static final String CONTEXT = "triage.context.v1";
    public static final String CONTEXT_REQUEST_DLQ = "triage.context-request.dlq";

    /** Each topic by the name configuration uses for it: {@code lemstriage.topic.<name>}. */
    public static final Map<String, String> BY_CONFIG_NAME = Map.of(
            "lab-observation", LAB_OBSERVATION,
            "lab-observation-dlq", LAB_OBSERVATION_DLQ,
            "triage-decision", TRIAGE_DECISION,
            "triage-decision-dlq", TRIAGE_DECISION_DLQ,
            "triage-audit", TRIAGE_AUDIT,
            "audit-store-dlq", AUDIT_STORE_DLQ,
            "context-request", CONTEXT_REQUEST,
            "context", CONTEXT,
            "context-request-dlq", CONTEXT_REQUEST_DLQ);

    /** All topics of the pipeline, for provisioning a broker (tests, local stack). */
    public static final List<String> ALL = List.copyOf(BY_CONFIG_NAME.values());

    private Topics() {
    }
}
