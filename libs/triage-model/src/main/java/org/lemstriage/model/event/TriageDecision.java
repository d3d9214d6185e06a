package org.lemstriage.model.event;

import org.lemstriage.model.terminology.Analyte;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * A change in one patient's triage, as published on {@code triage.decision.v1} (key: patient key).
 *
 * @param decisionId      stable per episode and version: {@code episodeId + "/" + version}; a resend is the same id
 * @param episodeId       one screening episode per patient; every business identifier written to the EHR derives from it
 * @param version         1 for OPEN, incremented by every UPDATE or RETRACT of the episode
 * @param patientKey      the Kafka key; {@link org.lemstriage.model.PatientKey#toReference} gives the EHR reference
 * @param action          what the EHR must do with the episode
 * @param tier            the screening tier
 * @param evidence        the antibody results the decision rests on
 * @param rulesFired      ids of the rules that fired, e.g. {@code VGCC-PQ-POSITIVE@1}
 * @param rulesetVersion  the ruleset version that decided
 * @param explanation     plain-language text for a clinician
 * @param plan            the screening rounds, empty when no screening is indicated
 * @param decidedAt       when the classifier decided
 * @param context         whether the EHR's clinical context was read
 * @param deltaP          the six DELTA-P items with value and source; all UNKNOWN when the context was not read
 * @param deltaPScore     points from PRESENT items only
 */
public record TriageDecision(
        String decisionId,
        String episodeId,
        int version,
        String patientKey,
        Action action,
        Tier tier,
        List<Evidence> evidence,
        List<String> rulesFired,
        String rulesetVersion,
        String explanation,
        List<ScreeningRound> plan,
        Instant decidedAt,
        ContextStatus context,
        List<DeltaPItem> deltaP,
        int deltaPScore) {

    /** Whether the decision could use the EHR's clinical context. */
    public enum ContextStatus { AVAILABLE, UNAVAILABLE }

    public enum Action { OPEN, UPDATE, RETRACT }

    public enum Tier { HIGH, INTERMEDIATE, LOW, NONE }

    /** One antibody result behind the decision, with a reference to its source Observation. */
    public record Evidence(String observationReference, Analyte analyte, String status, BigDecimal value, String unit,
                           String comparator, LabResult.Qualitative result) {
    }

    /** One screening round: what to do and the window in which it is due. */
    public record ScreeningRound(int round, String procedure, LocalDate dueFrom, LocalDate dueTo) {
    }
}
