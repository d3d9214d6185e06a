package org.lemstriage.classifier.rules;

import java.time.LocalDate;
import java.time.Period;

/**
 * A first positive result dated more than 6 months before it reaches lems-triage (a backfill, an
 * {@code $import}) opens no screening rounds. Rounds planned from its date would be overdue and released all at once;
 * instead one clinician-review Task says what was found and when, and a clinician decides on screening. The 6 months
 * are the interval of the surveillance rounds (EFNS 2011: every 6 months): an older result has missed at least one.
 */
public final class OldResultReview {
    public static final String ID = "OLD-RESULT-REVIEW@1";
    static final Period MAX_AGE = Period.ofMonths(6);

    private OldResultReview() {
    }

    /** Whether a surveillance starting at {@code onset} must go to a clinician instead, judged on {@code today}. */
    public static boolean applies(LocalDate onset, LocalDate today) {
        return onset != null && onset.isBefore(today.minus(MAX_AGE));
    }

    public static String reason(LocalDate onset) {
        return "Clinician review, no screening rounds: the first positive result is dated " + onset
                + ", more than 6 months before it reached lems-triage (a backfill or an import), so "
                + "rounds planned from it would all be overdue at once. Please review what was found and when, and "
                + "decide on screening [rule " + ID + "].";
    }
}
