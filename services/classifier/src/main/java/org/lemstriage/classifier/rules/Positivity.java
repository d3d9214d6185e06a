package org.lemstriage.classifier.rules;

import org.lemstriage.model.event.LabResult;
import org.lemstriage.model.event.LabResult.Qualitative;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Optional;

/**
 * Whether one result is POSITIVE, NEGATIVE or EQUIVOCAL, in the order DESIGN.md gives: the result's own
 * interpretation, else its own qualitative value, else its own reference range, else the default cutoff.
 * A value that cannot be placed (a comparator straddling the cutoff) is EQUIVOCAL: shown, never rounded.
 */
public final class Positivity {
    /** HL7 v3 ObservationInterpretation codes, as labs use them for antibody results. */
    private static final Map<String, Qualitative> INTERPRETATION = Map.ofEntries(
            Map.entry("POS", Qualitative.POSITIVE), Map.entry("DET", Qualitative.POSITIVE),
            Map.entry("H", Qualitative.POSITIVE), Map.entry("HH", Qualitative.POSITIVE),
            Map.entry("HU", Qualitative.POSITIVE), Map.entry("A", Qualitative.POSITIVE),
            Map.entry("AA", Qualitative.POSITIVE),
            Map.entry("NEG", Qualitative.NEGATIVE), Map.entry("ND", Qualitative.NEGATIVE),
            Map.entry("N", Qualitative.NEGATIVE),
            Map.entry("IND", Qualitative.EQUIVOCAL), Map.entry("E", Qualitative.EQUIVOCAL));

    private final Cutoffs cutoffs;

    public Positivity(Cutoffs cutoffs) {
        this.cutoffs = cutoffs;
    }

    /** The reading of a result, or empty when nothing about it says positive or negative. */
    public Optional<Reading> read(LabResult result) {
        for (String code : result.interpretation()) {
            Qualitative q = INTERPRETATION.get(code);
            if (q != null) {
                return Optional.of(new Reading(q, "the lab's interpretation " + code));
            }
        }
        if (result.qualitative() != null) {
            return Optional.of(new Reading(result.qualitative(), "the lab's reported result"));
        }
        if (result.quantity() == null) {
            return Optional.empty();
        }
        // A lab's indeterminate band is checked before its reference range: a value in it stays EQUIVOCAL
        // even where a range alone would call it positive (DESIGN.md: never silently rounded)
        Optional<Cutoffs.Band> band = cutoffs.band(result.labCode());
        if (band.isPresent() && result.quantity().comparator() == null && band.get().contains(result.quantity().value())) {
            return Optional.of(new Reading(Qualitative.EQUIVOCAL, band.get().lab() + "'s indeterminate band ("
                    + plain(band.get().low()) + "-" + plain(band.get().high()) + " " + result.quantity().unit() + ")"));
        }
        if (result.referenceRange() != null && result.referenceRange().high() != null) {
            return Optional.of(against(result.quantity(), result.referenceRange().high(),
                    "the lab's reference range (upper limit " + plain(result.referenceRange().high()) + " " + result.quantity().unit() + ")"));
        }
        if (band.isPresent()) {
            return Optional.of(against(result.quantity(), band.get().high(),
                    band.get().lab() + "'s positive limit (above " + plain(band.get().high()) + " " + result.quantity().unit() + ")"));
        }
        return cutoffs.of(result.analyte()).map(cutoff -> against(result.quantity(), cutoff,
                "the default cutoff " + plain(cutoff) + " " + result.quantity().unit()));
    }

    /** Positive when above the limit; a comparator that leaves the true value on both sides is EQUIVOCAL. */
    private static Reading against(LabResult.NormalisedQuantity q, BigDecimal limit, String basis) {
        int cmp = q.value().compareTo(limit);
        String comparator = q.comparator() == null ? "" : q.comparator();
        Qualitative result = switch (comparator) {
            case "<" -> cmp <= 0 ? Qualitative.NEGATIVE : Qualitative.EQUIVOCAL;
            case "<=" -> cmp <= 0 ? Qualitative.NEGATIVE : Qualitative.EQUIVOCAL;
            case ">" -> cmp >= 0 ? Qualitative.POSITIVE : Qualitative.EQUIVOCAL;
            case ">=" -> cmp > 0 ? Qualitative.POSITIVE : Qualitative.EQUIVOCAL;
            default -> cmp > 0 ? Qualitative.POSITIVE : Qualitative.NEGATIVE;
        };
        return new Reading(result, basis);
    }

    static String plain(BigDecimal value) {
        return value.stripTrailingZeros().toPlainString();
    }

    /** A result's reading and what it rests on, in words for the explanation. */
    public record Reading(Qualitative result, String basis) {
    }
}
