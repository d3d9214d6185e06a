package org.lemstriage.classifier.rules;

import org.lemstriage.model.event.ClinicalContext;
import org.lemstriage.model.event.ClinicalContext.CodedFact;
import org.lemstriage.model.event.ClinicalContext.Measurement;
import org.lemstriage.model.event.DeltaPItem;
import org.lemstriage.model.event.DeltaPItem.Item;
import org.lemstriage.model.event.DeltaPItem.Presence;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.Period;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Turns the EHR's facts into the six DELTA-P items (Titulaer et al., J Clin Oncol 2011: one point each, items
 * present "at or within 3 months from onset"). Onset is taken as the date of the first decisive positive antibody
 * result (or a recorded LEMS diagnosis's onset). No data is UNKNOWN, never ABSENT: only an explicit record makes an
 * item ABSENT.
 * <p>Bulbar symptoms and erectile dysfunction count only when their Condition was active at or within
 * 3 months of onset (onset, abatement and clinical status read together), not one resolved before; smoking is the
 * status at diagnosis (the latest on or before onset; failing that, the first recorded within 3 months after it), and
 * a status that does not say whether the patient smokes now is UNKNOWN.
 */
public final class DeltaPAssessor {
    /** DELTA-P counts items at or within 3 months from onset (Titulaer 2011). */
    static final int ITEM_WINDOW_MONTHS = 3;
    /** Weight loss is judged over the 6 months before onset (docs/clinical-ruleset-3.md, "Tiers and DELTA-P"). */
    static final int WEIGHT_WINDOW_MONTHS = 6;
    /** DELTA-P item L: weight loss of 5 % or more (Titulaer 2011). */
    static final BigDecimal WEIGHT_LOSS_FRACTION = new BigDecimal("0.05");
    /** DELTA-P item A: age at onset 50 years or older (Titulaer 2011). */
    static final int AGE_YEARS = 50;
    /** DELTA-P item P: Karnofsky performance status below 70 (Titulaer 2011). */
    static final BigDecimal KARNOFSKY_LIMIT = new BigDecimal("70");
    static final String LOINC_KARNOFSKY = "89243-0";
    static final String LOINC_ECOG = "89247-1";

    private static final Set<String> NO_LONGER_ACTIVE = Set.of("inactive", "remission", "resolved");

    private final ClinicalCodes codes;

    public DeltaPAssessor(ClinicalCodes codes) {
        this.codes = codes;
    }

    /** All six items UNKNOWN, with why: the context could not be used. */
    public static List<DeltaPItem> unknown(String why) {
        List<DeltaPItem> items = new ArrayList<>();
        for (Item item : Item.values()) {
            items.add(new DeltaPItem(item, Presence.UNKNOWN, null, why));
        }
        return items;
    }

    public List<DeltaPItem> assess(ClinicalContext context, LocalDate onset) {
        if (context == null || context.status() != ClinicalContext.Status.AVAILABLE) {
            return unknown(context == null ? "clinical context not read from the EHR"
                    : "clinical context unavailable: " + context.reason());
        }
        LocalDate itemsUntil = onset.plusMonths(ITEM_WINDOW_MONTHS);
        return List.of(bulbar(context, onset, itemsUntil), erectileDysfunction(context, onset, itemsUntil),
                weightLoss(context, onset, itemsUntil), smoking(context, onset, itemsUntil), age(context, onset),
                karnofsky(context, onset, itemsUntil));
    }

    private DeltaPItem age(ClinicalContext c, LocalDate onset) {
        if (c.birthDate() == null) {
            return new DeltaPItem(Item.AGE_50_OR_OLDER, Presence.UNKNOWN, null, "no birth date in the EHR");
        }
        int years = Period.between(c.birthDate(), onset).getYears();
        return new DeltaPItem(Item.AGE_50_OR_OLDER, years >= AGE_YEARS ? Presence.PRESENT : Presence.ABSENT,
                c.patientReference() + ".birthDate", "age " + years + " at the first positive result");
    }

    /**
     * The status at diagnosis: the latest on or before onset (an undated one counts as before); failing that, the
     * first recorded within 3 months after onset (the work-up's). A later status (the patient quits meanwhile) never
     * re-scores.
     */
    private DeltaPItem smoking(ClinicalContext c, LocalDate onset, LocalDate until) {
        Optional<CodedFact> atDiagnosis = c.smoking().stream()
                .filter(f -> f.date() == null || !f.date().isAfter(onset))
                .max(Comparator.comparing(CodedFact::date, Comparator.nullsFirst(Comparator.naturalOrder())))
                .or(() -> c.smoking().stream().filter(f -> f.date() != null && f.date().isAfter(onset) && !f.date().isAfter(until))
                        .min(Comparator.comparing(CodedFact::date)));
        if (atDiagnosis.isEmpty()) {
            return new DeltaPItem(Item.SMOKING_AT_DIAGNOSIS, Presence.UNKNOWN, null,
                    "no smoking status (LOINC 72166-2) on or before onset, nor within 3 months after");
        }
        CodedFact fact = atDiagnosis.get();
        if (codes.smokingUnknown().matches(fact.codes())) {
            return new DeltaPItem(Item.SMOKING_AT_DIAGNOSIS, Presence.UNKNOWN, fact.reference(), "smoker, current status unknown");
        }
        if (codes.smokingCurrent().matches(fact.codes())) {
            return new DeltaPItem(Item.SMOKING_AT_DIAGNOSIS, Presence.PRESENT, fact.reference(), "current smoker at diagnosis");
        }
        if (codes.smokingNotCurrent().matches(fact.codes())) {
            return new DeltaPItem(Item.SMOKING_AT_DIAGNOSIS, Presence.ABSENT, fact.reference(), "not smoking at diagnosis (former or never)");
        }
        return new DeltaPItem(Item.SMOKING_AT_DIAGNOSIS, Presence.UNKNOWN, fact.reference(), "smoking status not interpretable");
    }

    private DeltaPItem weightLoss(ClinicalContext c, LocalDate onset, LocalDate until) {
        LocalDate from = onset.minusMonths(WEIGHT_WINDOW_MONTHS);
        List<Measurement> weights = c.weights().stream()
                .filter(w -> w.date() != null && !w.date().isBefore(from) && !w.date().isAfter(until) && "kg".equals(w.unit()))
                .sorted(Comparator.comparing(Measurement::date)).toList();
        if (weights.size() < 2) {
            return new DeltaPItem(Item.WEIGHT_LOSS_5_PERCENT, Presence.UNKNOWN, null,
                    "fewer than two body weights (LOINC 29463-7) in the 6 months before onset");
        }
        Measurement latest = weights.get(weights.size() - 1);
        Measurement heaviest = weights.subList(0, weights.size() - 1).stream()
                .max(Comparator.comparing(Measurement::value)).orElseThrow();
        BigDecimal loss = heaviest.value().subtract(latest.value()).divide(heaviest.value(), 4, RoundingMode.HALF_UP);
        String percent = loss.abs().movePointRight(2).setScale(1, RoundingMode.HALF_UP).toPlainString() + " %";
        Presence value = loss.compareTo(WEIGHT_LOSS_FRACTION) >= 0 ? Presence.PRESENT : Presence.ABSENT;
        return new DeltaPItem(Item.WEIGHT_LOSS_5_PERCENT, value, heaviest.reference() + ", " + latest.reference(),
                (loss.signum() >= 0 ? "weight down " : "weight up ") + percent + " from the heaviest in the 6 months before onset");
    }

    private DeltaPItem bulbar(ClinicalContext c, LocalDate onset, LocalDate until) {
        return fromConditions(Item.BULBAR_INVOLVEMENT, codes.bulbar(), c, "bulbar symptoms", onset, until);
    }

    private DeltaPItem erectileDysfunction(ClinicalContext c, LocalDate onset, LocalDate until) {
        if ("female".equals(c.gender())) {
            return new DeltaPItem(Item.ERECTILE_DYSFUNCTION, Presence.ABSENT, c.patientReference() + ".gender",
                    "not applicable (female): DELTA-P scores erectile dysfunction in men");
        }
        return fromConditions(Item.ERECTILE_DYSFUNCTION, codes.erectileDysfunction(), c, "erectile dysfunction", onset, until);
    }

    /**
     * PRESENT if a matching Condition is asserted and was active at or within 3 months of onset, ABSENT only if one is
     * explicitly refuted, else UNKNOWN (one active only outside the window says nothing about the window).
     */
    private static DeltaPItem fromConditions(Item item, ClinicalCodes.CodeList list, ClinicalContext c, String what,
                                             LocalDate onset, LocalDate until) {
        List<CodedFact> matching = c.conditions().stream().filter(f -> list.matches(f.codes())).toList();
        Optional<CodedFact> asserted = matching.stream().filter(DeltaPAssessor::asserted)
                .filter(f -> activeWithin(f, onset, until)).findFirst();
        if (asserted.isPresent()) {
            return new DeltaPItem(item, Presence.PRESENT, asserted.get().reference(), what + " recorded, active at or within 3 months of onset");
        }
        Optional<CodedFact> refuted = matching.stream().filter(f -> "refuted".equals(f.verificationStatus())).findFirst();
        if (refuted.isPresent()) {
            return new DeltaPItem(item, Presence.ABSENT, refuted.get().reference(), what + " refuted");
        }
        return new DeltaPItem(item, Presence.UNKNOWN, null, "no Condition recording " + what);
    }

    /**
     * Whether a Condition was active at some time from onset to 3 months after: begun by then (its onset, else its
     * recorded date; undated counts), and not ended before onset. One resolved, inactive or in remission without an
     * abatement date is known to be active only from its own date, so it counts only if that date is in the window.
     */
    static boolean activeWithin(CodedFact condition, LocalDate onset, LocalDate until) {
        LocalDate began = condition.date();
        if (began != null && began.isAfter(until)) {
            return false;
        }
        if (condition.abated() != null) {
            return !condition.abated().isBefore(onset);
        }
        if (condition.clinicalStatus() != null && NO_LONGER_ACTIVE.contains(condition.clinicalStatus())) {
            return began != null && !began.isBefore(onset);
        }
        return true;
    }

    private static boolean asserted(CodedFact condition) {
        return !condition.withdrawn();
    }

    private DeltaPItem karnofsky(ClinicalContext c, LocalDate onset, LocalDate until) {
        LocalDate from = onset.minusMonths(ITEM_WINDOW_MONTHS);
        Optional<Measurement> latest = c.performance().stream()
                .filter(m -> m.date() != null && !m.date().isBefore(from) && !m.date().isAfter(until))
                .max(Comparator.comparing(Measurement::date));
        if (latest.isEmpty()) {
            return new DeltaPItem(Item.KARNOFSKY_BELOW_70, Presence.UNKNOWN, null,
                    "no Karnofsky (LOINC 89243-0) or ECOG (LOINC 89247-1) score within 3 months of onset");
        }
        Measurement m = latest.get();
        String score = m.value().stripTrailingZeros().toPlainString();
        if (LOINC_KARNOFSKY.equals(m.loinc())) {
            return new DeltaPItem(Item.KARNOFSKY_BELOW_70, m.value().compareTo(KARNOFSKY_LIMIT) < 0 ? Presence.PRESENT : Presence.ABSENT,
                    m.reference(), "Karnofsky " + score);
        }
        // ECOG to Karnofsky (Oken et al., Am J Clin Oncol 1982): ECOG 0-1 = Karnofsky 80-100, ECOG 2 = 60-70,
        // ECOG 3-4 = 10-50. ECOG 2 straddles the limit of 70, so it cannot decide the item.
        int ecog = m.value().intValue();
        Presence value = ecog >= 3 ? Presence.PRESENT : ecog <= 1 ? Presence.ABSENT : Presence.UNKNOWN;
        return new DeltaPItem(Item.KARNOFSKY_BELOW_70, value, m.reference(),
                "ECOG " + score + (value == Presence.UNKNOWN ? " (spans Karnofsky 60-70)" : ""));
    }
}
