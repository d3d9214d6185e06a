package org.lemstriage.classifier.rules;

/**
 * Reported chance of small-cell lung cancer for a DELTA-P score, for the explanation only, from one cohort: the
 * prospective validation of DELTA-P (Maddison et al. 2020), SCLC by score 0 / 1 / 2 / 3 / 4 / 5 / 6: 0 / 18.8 / 45 /
 * 55.5 / 85.7 / 87.5 / 100 %: one named cohort for every figure, not the derivation cohort's (Titulaer et al., J Clin
 * Oncol 2011) figures mixed in.
 */
public final class SclcProbability {
    static final String COHORT = "Maddison 2020, prospective validation";
    private static final String[] BY_SCORE = {"0", "18.8", "45", "55.5", "85.7", "87.5", "100"};

    private SclcProbability() {
    }

    public static String forScore(int score) {
        return BY_SCORE[Math.max(0, Math.min(score, BY_SCORE.length - 1))] + " % (" + COHORT + ")";
    }
}
