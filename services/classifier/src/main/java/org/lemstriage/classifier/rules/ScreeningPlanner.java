package org.lemstriage.classifier.rules;

import org.lemstriage.model.event.TriageDecision.ScreeningRound;
import org.lemstriage.model.event.TriageDecision.Tier;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * Tumour-screening rounds per tier. Every tier that screens is followed for at least two years: EFNS
 * guideline on screening for tumours in paraneoplastic syndromes (Titulaer et al., Eur J Neurol 2011): CT thorax,
 * FDG-PET if negative, every 6 months for at least 2 years; DELTA-P authors: HIGH at 3 months, then 6-monthly for at
 * least 2 years.
 * <ul>
 * <li>HIGH: months 0, 3, 6, 12, 18, 24.</li>
 * <li>INTERMEDIATE: months 0, 6, 12, 18, 24.</li>
 * <li>LOW: months 0, 6, 12, 18, 24 by default, at routine priority. The prospective validation of DELTA-P (Maddison
 *     et al. 2020) found SCLC in 18.8 % of patients scoring 1, too many to stop after one repeat. The shortened plan
 *     (months 0 and 6, after Titulaer 2011) stays available as an explicit policy:
 *     {@code lemstriage.rules.low-tier-plan=shortened}.</li>
 * </ul>
 */
public final class ScreeningPlanner {
    public static final String PROCEDURE = "CT thorax (LOINC 24627-2); FDG-PET if the CT is negative";
    /**
     * Each round is due within 30 days of its date. A project default, not from the guideline: it sets the Task's
     * restriction.period and is for the oncology team to confirm.
     */
    static final int WINDOW_DAYS = 30;
    /** Screening lasts at least two years after the positive result (EFNS 2011; DELTA-P authors). */
    public static final int HORIZON_MONTHS = 24;

    /** The LOW tier's plan: the full two years (default), or one repeat at 6 months (Titulaer 2011). */
    public enum LowTierPlan { FULL, SHORTENED }

    private final LowTierPlan lowTierPlan;

    public ScreeningPlanner(LowTierPlan lowTierPlan) {
        this.lowTierPlan = lowTierPlan;
    }

    public ScreeningPlanner() {
        this(LowTierPlan.FULL);
    }

    public List<ScreeningRound> plan(Tier tier, LocalDate start) {
        List<Integer> months = switch (tier) {
            case HIGH -> withEarlyRound(3);
            case INTERMEDIATE -> everySixMonths();
            case LOW -> lowTierPlan == LowTierPlan.FULL ? everySixMonths() : List.of(0, 6);
            case NONE -> List.of();
        };
        List<ScreeningRound> rounds = new ArrayList<>();
        for (int i = 0; i < months.size(); i++) {
            LocalDate due = start.plusMonths(months.get(i));
            rounds.add(new ScreeningRound(i + 1, PROCEDURE, due, due.plusDays(WINDOW_DAYS)));
        }
        return rounds;
    }

    /** Months 0, 6, 12, ... up to and including the two-year horizon. */
    private static List<Integer> everySixMonths() {
        List<Integer> months = new ArrayList<>();
        for (int m = 0; m <= HORIZON_MONTHS; m += 6) {
            months.add(m);
        }
        return months;
    }

    /** An extra round at {@code month} before the first 6-monthly one. */
    private static List<Integer> withEarlyRound(int month) {
        List<Integer> months = new ArrayList<>(everySixMonths());
        months.add(1, month);
        return months;
    }
}
