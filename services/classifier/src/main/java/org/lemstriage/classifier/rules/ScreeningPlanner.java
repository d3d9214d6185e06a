package org.lemstriage.classifier.rules;

import org.lemstriage.model.event.TriageDecision.ScreeningRound;
import org.lemstriage.model.event.TriageDecision.Tier;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * Tumour-screening rounds per tier (EFNS guideline on screening for tumours in paraneoplastic syndromes,
 * Titulaer et al., Eur J Neurol 2011; the DELTA-P authors' schedule): CT thorax first, FDG-PET if CT is negative;
 * HIGH: repeat at 3 months, then every 6 months up to 2 years; INTERMEDIATE: every 6 months for 2 years;
 * LOW: one repeat at 6 months.
 */
public final class ScreeningPlanner {
    public static final String PROCEDURE = "CT thorax (LOINC 24627-2); FDG-PET if the CT is negative";
    /**
     * Each round is due within 30 days of its date. A project default, not from the guideline: it sets the Task's
     * restriction.period and is for the oncology team to confirm.
     */
    static final int WINDOW_DAYS = 30;
    /** Screening lasts two years after the positive result (EFNS 2011). */
    private static final int HORIZON_MONTHS = 24;

    public List<ScreeningRound> plan(Tier tier, LocalDate start) {
        List<Integer> months = switch (tier) {
            case HIGH -> everySixMonthsAfter(3);
            case INTERMEDIATE -> everySixMonthsAfter(6);
            case LOW -> List.of(0, 6);
            case NONE -> List.of();
        };
        List<ScreeningRound> rounds = new ArrayList<>();
        for (int i = 0; i < months.size(); i++) {
            LocalDate due = start.plusMonths(months.get(i));
            rounds.add(new ScreeningRound(i + 1, PROCEDURE, due, due.plusDays(WINDOW_DAYS)));
        }
        return rounds;
    }

    /** Month 0, then {@code first}, then every 6 months up to the two-year horizon. */
    private static List<Integer> everySixMonthsAfter(int first) {
        List<Integer> months = new ArrayList<>(List.of(0));
        for (int m = first; m <= HORIZON_MONTHS; m += 6) {
            months.add(m);
        }
        return months;
    }
}
