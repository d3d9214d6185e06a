package org.lemstriage.model.fhir;

import java.util.Optional;

/**
 * Business identifier systems of what lems-triage writes to the EHR. Values derive from the decision's episode id,
 * so any redelivery or replay addresses the same resources (conditional create), never new ones. The notifier writes
 * by them; the classifier reads an episode's Tasks back by them (round progress).
 */
public final class EhrIdentifiers {
    public static final String EPISODE = "https://lemstriage.org/fhir/sid/screening-episode";
    public static final String ROUND = "https://lemstriage.org/fhir/sid/screening-round";
    /**
     * The one Task of a clinician-review episode (an old positive result), and each Task that asks a clinician
     * something ({@link #request}).
     */
    public static final String REVIEW = "https://lemstriage.org/fhir/sid/clinician-review";
    /** The Task that says an episode ended: a tumour was recorded, or the surveillance is complete. */
    public static final String CLOSING = "https://lemstriage.org/fhir/sid/screening-closing";
    /**
     * A Communication to the clinicians of an episode (who asked for the result, who is responsible for the episode),
     * one per event that changes what they should do ({@link #notice}).
     */
    public static final String NOTICE = "https://lemstriage.org/fhir/sid/clinician-notice";
    /**
     * A CommunicationRequest that reminds the patient of a screening round, one per round and event, and one more when a
     * reopened episode brings the round back ({@link #reminder}).
     */
    public static final String PATIENT_REMINDER = "https://lemstriage.org/fhir/sid/patient-reminder";
    /** The one smoking-cessation referral (a ServiceRequest) of an episode whose patient smoked at diagnosis. */
    public static final String SMOKING_CESSATION = "https://lemstriage.org/fhir/sid/smoking-cessation-referral";
    /**
     * A round's own orders: its CT thorax and its FDG-PET, each a ServiceRequest a radiology system can
     * schedule. Their requisition (the group of orders) is the episode ({@link #EPISODE}).
     */
    public static final String ORDER = "https://lemstriage.org/fhir/sid/screening-order";
    /** The decision a write rests on (Provenance.entity, AuditEvent.entity). */
    public static final String DECISION = "https://lemstriage.org/fhir/sid/triage-decision";
    public static final String TASK_CODE_SYSTEM = "https://lemstriage.org/fhir/CodeSystem/task-code";
    /**
     * What lems-triage itself withdrew: the code, in {@link #TASK_CODE_SYSTEM}, of a Task's statusReason
     * and the author of an order's withdrawal note. Only such a Task or order is reopened when its episode reopens,
     * and such a Task is no clinician's answer.
     */
    public static final String WITHDRAWN_BY_LEMS_TRIAGE = "withdrawn-by-lems-triage";

    private EhrIdentifiers() {
    }

    public static String round(String episodeId, int round) {
        return episodeId + "/round-" + round;
    }

    /** {@code <episode>/round-<n>/ct}: the CT thorax of one round. */
    public static String ctOrder(String episodeId, int round) {
        return round(episodeId, round) + "/ct";
    }

    /** {@code <episode>/round-<n>/pet}: the FDG-PET of one round, ordered once its CT is negative. */
    public static String petOrder(String episodeId, int round) {
        return round(episodeId, round) + "/pet";
    }

    public static String review(String episodeId) {
        return episodeId + "/review";
    }

    /** {@code <episode>/review/<request id>}: a Task that asks a clinician something. */
    public static String request(String episodeId, String requestId) {
        return review(episodeId) + "/" + requestId;
    }

    /** The request id of a {@link #request} identifier value, or empty for any other value. */
    public static Optional<String> requestOf(String identifierValue) {
        int at = identifierValue == null ? -1 : identifierValue.indexOf("/review/");
        return at < 0 ? Optional.empty() : Optional.of(identifierValue.substring(at + "/review/".length()));
    }

    /** {@code <episode>/notice/<event>}, e.g. {@code <episode>/notice/round-2/overdue}. */
    public static String notice(String episodeId, String event) {
        return episodeId + "/notice/" + event;
    }

    /** {@code <episode>/round-<n>/reminder/<event>}: released or overdue, ending in {@code /reopened-v<version>} when told again. */
    public static String reminder(String episodeId, int round, String event) {
        return round(episodeId, round) + "/reminder/" + event;
    }

    /** {@code <episode>/smoking-cessation}. */
    public static String smokingCessation(String episodeId) {
        return episodeId + "/smoking-cessation";
    }

    public static String closing(String episodeId) {
        return episodeId + "/closing";
    }

    /** The round number of a round's or a round order's identifier value, or empty for any other value. */
    public static Optional<Integer> roundOf(String identifierValue) {
        int at = identifierValue == null ? -1 : identifierValue.lastIndexOf("/round-");
        if (at < 0) {
            return Optional.empty();
        }
        String rest = identifierValue.substring(at + "/round-".length());
        try {
            return Optional.of(Integer.valueOf(rest.contains("/") ? rest.substring(0, rest.indexOf('/')) : rest));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
