package org.lemstriage.notifier.ehr;

/**
 * Business identifier systems of what lems-triage writes to the EHR. Values derive from the decision's episode id,
 * so any redelivery or replay addresses the same resources (conditional create), never new ones.
 */
public final class EhrIdentifiers {
    public static final String EPISODE = "https://lemstriage.org/fhir/sid/screening-episode";
    public static final String ROUND = "https://lemstriage.org/fhir/sid/screening-round";
    /** The one Task of a clinician-review episode (ruleset 2.0: an old positive result). */
    public static final String REVIEW = "https://lemstriage.org/fhir/sid/clinician-review";
    /** The decision a write rests on (Provenance.entity, AuditEvent.entity). */
    public static final String DECISION = "https://lemstriage.org/fhir/sid/triage-decision";
    public static final String TASK_CODE_SYSTEM = "https://lemstriage.org/fhir/CodeSystem/task-code";

    private EhrIdentifiers() {
    }

    public static String round(String episodeId, int round) {
        return episodeId + "/round-" + round;
    }

    public static String review(String episodeId) {
        return episodeId + "/review";
    }
}
