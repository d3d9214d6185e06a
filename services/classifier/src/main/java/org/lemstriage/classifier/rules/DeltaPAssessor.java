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
import java.util.Objects;
import java.util.Optional;

/**
 * Turns the EHR's facts into the six DELTA-P items (Titulaer et al., J Clin Oncol 2011: one point each, items
 * present "at or within 3 months from onset"). Onset is taken as the date of the first decisive positive antibody
 * result. No data is UNKNOWN, never ABSENT: only an explicit record makes an item ABSENT.
 */
public final class DeltaPAssessor {
    /** DELTA-P counts items at or within 3 months from onset (Titulaer 2011). */
    static final int ITEM_WINDOW_MONTHS = 3;
    /** Weight loss is judged over the 6 months before onset (DESIGN.md, "Clinical logic"). */
    static final int WEIGHT_WINDOW_MONTHS = 6;
    /** DELTA-P item L: weight loss of 5 % or more (Titulaer 2011). */
    static final BigDecimal WEIGHT_LOSS_FRACTION = new BigDecimal("0.05");
    /** DELTA-P item A: age at onset 50 years or older (Titulaer 2011). */
    static final int AGE_YEARS = 50;
    /** DELTA-P item P: Karnofsky performance status below 70 (Titulaer 2011). */
    static final BigDecimal KARNOFSKY_LIMIT = new BigDecimal("70");
    static final String LOINC_KARNOFSKY = "89243-0";
    static final String LOINC_ECOG = "89247-1";

    private final DeltaPCodes codes;

    public DeltaPAssessor(DeltaPCodes codes) {
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
        return List.of(bulbar(context), erectileDysfunction(context), weightLoss(context, onset, itemsUntil),
                smoking(context, itemsUntil), age(context, onset), karnofsky(context, onset, itemsUntil));
    }

    /** An active, confirmed lung-cancer Condition, if the EHR has one (ruleset 2.0: only confirmed suppresses screening). */
    public Optional<CodedFact> knownLungCancer(ClinicalContext context) {
        if (context == null || context.status() != ClinicalContext.Status.AVAILABLE) {
            return Optional.empty();
        }
        return context.conditions().stream().filter(c -> codes.lungCancer().matches(c.codes()))
                .filter(c -> c.clinicalStatus() == null || List.of("active", "recurrence", "relapse").contains(c.clinicalStatus()))
                .filter(c -> "confirmed".equals(c.verificationStatus())).findFirst();
    }

    private DeltaPItem age(ClinicalContext c, LocalDate onset) {
        if (c.birthDate() == null) {
            return new DeltaPItem(Item.AGE_50_OR_OLDER, Presence.UNKNOWN, null, "no birth date in the EHR");
        }
        int years = Period.between(c.birthDate(), onset).getYears();
        return new DeltaPItem(Item.AGE_50_OR_OLDER, years >= AGE_YEARS ? Presence.PRESENT : Presence.ABSENT,
                c.patientReference() + ".birthDate", "age " + years + " at the first positive result");
    }

    private DeltaPItem smoking(ClinicalContext c, LocalDate until) {
        Optional<CodedFact> latest = c.smoking().stream()
                .filter(f -> f.date() == null || !f.date().isAfter(until))
                .max(Comparator.comparing(CodedFact::date, Comparator.nullsFirst(Comparator.naturalOrder())));
        if (latest.isEmpty()) {
            return new DeltaPItem(Item.SMOKING_AT_DIAGNOSIS, Presence.UNKNOWN, null, "no smoking status (LOINC 72166-2) in the EHR");
        }
        CodedFact fact = latest.get();
        if (codes.smokingCurrent().matches(fact.codes())) {
            return new DeltaPItem(Item.SMOKING_AT_DIAGNOSIS, Presence.PRESENT, fact.reference(), "current smoker");
        }
        if (codes.smokingNotCurrent().matches(fact.codes())) {
            return new DeltaPItem(Item.SMOKING_AT_DIAGNOSIS, Presence.ABSENT, fact.reference(), "not smoking (former or never)");
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

    private DeltaPItem bulbar(ClinicalContext c) {
        return fromConditions(Item.BULBAR_INVOLVEMENT, codes.bulbar(), c, "bulbar symptoms");
    }

    private DeltaPItem erectileDysfunction(ClinicalContext c) {
        if ("female".equals(c.gender())) {
            return new DeltaPItem(Item.ERECTILE_DYSFUNCTION, Presence.ABSENT, c.patientReference() + ".gender",
                    "not applicable (female): DELTA-P scores erectile dysfunction in men");
        }
        return fromConditions(Item.ERECTILE_DYSFUNCTION, codes.erectileDysfunction(), c, "erectile dysfunction");
    }

    /** PRESENT if a matching Condition is asserted, ABSENT only if one is explicitly refuted, else UNKNOWN. */
    private static DeltaPItem fromConditions(Item item, DeltaPCodes.CodeList list, ClinicalContext c, String what) {
        List<CodedFact> matching = c.conditions().stream().filter(f -> list.matches(f.codes())).toList();
        Optional<CodedFact> asserted = matching.stream().filter(DeltaPAssessor::asserted).findFirst();
        if (asserted.isPresent()) {
            return new DeltaPItem(item, Presence.PRESENT, asserted.get().reference(), what + " recorded");
        }
        Optional<CodedFact> refuted = matching.stream().filter(f -> "refuted".equals(f.verificationStatus())).findFirst();
        if (refuted.isPresent()) {
            return new DeltaPItem(item, Presence.ABSENT, refuted.get().reference(), what + " refuted");
        }
        return new DeltaPItem(item, Presence.UNKNOWN, null, "no Condition recording " + what);
    }

    private static boolean asserted(CodedFact condition) {
        return !List.of("refuted", "entered-in-error").contains(Objects.toString(condition.verificationStatus(), ""));
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
