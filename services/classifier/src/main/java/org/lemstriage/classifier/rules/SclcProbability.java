package org.lemstriage.classifier.rules;

/**
 * Reported chance of small-cell lung cancer for a DELTA-P score, for the explanation only (DESIGN.md): scores 0-1
 * 0-2.6 %, 4 93.5 %, 5 96.6 %, 6 100 % (Titulaer et al., J Clin Oncol 2011); 2 45 % and 3 55.5 % (prospective
 * validation, Maddison et al., Sci Rep 2020). The 2020 cohort reported 18.8 % for a score of 1.
 */
public final class SclcProbability {
    private SclcProbability() {
    }

    public static String forScore(int score) {
        return switch (score) {
            case 0, 1 -> "0-2.6 % (Titulaer 2011; 18.8 % for a score of 1 in Maddison 2020)";
            case 2 -> "45 % (Maddison 2020)";
            case 3 -> "55.5 % (Maddison 2020)";
            case 4 -> "93.5 % (Titulaer 2011)";
            case 5 -> "96.6 % (Titulaer 2011)";
            default -> "100 % (Titulaer 2011)";
        };
    }
}
