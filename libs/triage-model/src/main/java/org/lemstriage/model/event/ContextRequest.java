package org.lemstriage.model.event;

import java.time.LocalDate;

/**
 * The classifier asks for a patient's clinical context (topic {@code triage.context-request.v1}, key: patient key).
 * Its Kafka Streams thread never calls the EHR itself; the context reader answers on {@code triage.context.v1}.
 *
 * @param requestId unique per request: the answer names it
 * @param onset     date the DELTA-P items are judged at: the first decisive positive antibody result
 * @param episodeId the open episode whose Tasks the reader should read back too, or null
 */
public record ContextRequest(String patientKey, String requestId, LocalDate onset, String episodeId) {
    public ContextRequest(String patientKey, String requestId, LocalDate onset) {
        this(patientKey, requestId, onset, null);
    }
}
