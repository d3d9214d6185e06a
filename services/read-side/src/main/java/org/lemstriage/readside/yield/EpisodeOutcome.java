package org.lemstriage.readside.yield;

import org.lemstriage.model.event.TriageDecision;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.OptionalDouble;

/**
 * One screening episode as the yield counts it: its tier and DELTA-P score as last decided, what was done (from the
 * decisions and the EHR), and how it ended.
 *
 * @param deltaPScore     the score the decision recorded: PRESENT items only (an unknown item counts 0)
 * @param firstPositive   the day the plan counts from: the first positive result (a LEMS diagnosis: the day it arrived)
 * @param roundsReleased  rounds the classifier released to the worklist (DUE or OVERDUE in any decision)
 * @param roundsCompleted round Tasks the oncology team completed in the EHR
 * @param roundsOverdue   rounds that were OVERDUE in any decision
 * @param ctDone          rounds whose CT thorax was done: a CT result on the round's Task, its CT order completed, or a
 *                        DiagnosticReport based on it
 * @param petDone         rounds whose FDG-PET/CT was done: its PET order completed, or a DiagnosticReport based on it
 * @param tumourRecorded  the day the episode closed on a tumour, or null
 */
public record EpisodeOutcome(String episodeId, TriageDecision.Tier tier, int deltaPScore, LocalDate firstPositive,
                             int roundsReleased, int roundsCompleted, int roundsOverdue, int ctDone, int petDone,
                             Tumour tumour, LocalDate tumourRecorded, boolean surveillanceComplete) {

    /**
     * What the tumour that closed the episode was: small-cell lung cancer (on the classifier's code list lemsTumour),
     * another cancer, none.
     */
    public enum Tumour { NONE, SCLC, OTHER }

    /** Months (of 30.44 days) from the first positive result to the tumour recorded; empty without a tumour. */
    public OptionalDouble monthsToTumour() {
        return tumour == Tumour.NONE || tumourRecorded == null || firstPositive == null ? OptionalDouble.empty()
                : OptionalDouble.of(ChronoUnit.DAYS.between(firstPositive, tumourRecorded) / 30.44);
    }
}
