package org.lemstriage.classifier.rules;

import org.lemstriage.model.event.LabResult;
import org.lemstriage.model.event.LabResult.Qualitative;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Optional;

/**
 * Whether one result is POSITIVE, NEGATIVE or EQUIVOCAL: the lab's explicit statement (POS, NEG, IND,
 * ...); else, for a value inside the lab's indeterminate band, EQUIVOCAL whatever flag the lab set (a flag H or A says
 * "above normal", not "positive", and is no reason to round up); else the lab's flag; else the result's own
 * qualitative value, its own reference range, the lab's own limit for its code, the default cutoff.
 * A value that cannot be placed (a comparator straddling the limit) is EQUIVOCAL: shown, never rounded.
 */
public final class Positivity {
    /** HL7 v3 ObservationInterpretation codes that state the result: they win over everything else. */
    private static final Map<String, Qualitative> STATEMENTS = Map.of(
            "POS", Qualitative.POSITIVE, "DET", Qualitative.POSITIVE,
            "NEG", Qualitative.NEGATIVE, "ND", Qualitative.NEGATIVE,
            "IND", Qualitative.EQUIVOCAL, "E", Qualitative.EQUIVOCAL);
    /** HL7 v3 ObservationInterpretation codes that flag a value against normal: they yield to a lab's band. */
    private static final Map<String, Qualitative> FLAGS = Map.of(
            "H", Qualitative.POSITIVE, "HH", Qualitative.POSITIVE, "HU", Qualitative.POSITIVE,
            "A", Qualitative.POSITIVE, "AA", Qualitative.POSITIVE, "N", Qualitative.NEGATIVE);

    private final Cutoffs cutoffs;

    public Positivity(Cutoffs cutoffs) {
        this.cutoffs = cutoffs;
    }

    /** The reading of a result, or empty when nothing about it says positive or negative. */
    public Optional<Reading> read(LabResult result) {
        Optional<String> statement = result.interpretation().stream().filter(STATEMENTS::containsKey).findFirst();
        if (statement.isPresent()) {
            return Optional.of(new Reading(STATEMENTS.get(statement.get()), "the lab's interpretation " + statement.get()));
        }
        Optional<String> flag = result.interpretation().stream().filter(FLAGS::containsKey).findFirst();
        LabResult.NormalisedQuantity q = result.quantity();
        Optional<Cutoffs.Band> band = cutoffs.band(result.labCode());
        if (q != null && band.isPresent() && q.comparator() == null && band.get().contains(q.value())) {
            String flagged = flag.map(f -> "; the lab's flag " + f + " does not make it positive").orElse("");
            return Optional.of(new Reading(Qualitative.EQUIVOCAL, band.get().lab() + "'s indeterminate band ("
                    + plain(band.get().low()) + "-" + plain(band.get().high()) + " " + q.unit() + ")" + flagged));
        }
        if (flag.isPresent()) {
            return Optional.of(new Reading(FLAGS.get(flag.get()), "the lab's flag " + flag.get()));
        }
        if (result.qualitative() != null) {
            return Optional.of(new Reading(result.qualitative(), result.analyte().diagnosis()
                    ? "the diagnosis recorded in the EHR" : "the lab's reported result"));
        }
        if (q == null) {
            return Optional.empty();
        }
        if (result.referenceRange() != null && result.referenceRange().high() != null) {
            return Optional.of(against(q, result.referenceRange().high(), false,
                    "the lab's reference range (upper limit " + plain(result.referenceRange().high()) + " " + q.unit() + ")"));
        }
        Optional<Cutoffs.Limit> limit = cutoffs.labLimit(result.labCode());
        if (limit.isPresent()) {
            Cutoffs.Limit l = limit.get();
            String value = l.unit().endsWith(":") ? l.unit() + plain(l.value()) : plain(l.value()) + " " + l.unit();
            return Optional.of(against(q, l.value(), l.positiveAtLimit(),
                    l.lab() + "'s own limit (positive " + (l.positiveAtLimit() ? "from " : "above ") + value + ")"));
        }
        return cutoffs.of(result.analyte()).map(cutoff -> against(q, cutoff, false,
                "the default cutoff " + plain(cutoff) + " " + q.unit()));
    }

    /**
     * Positive above the limit (or at it, when {@code atLimit}); a comparator that leaves the true value on both sides
     * is EQUIVOCAL.
     */
    private static Reading against(LabResult.NormalisedQuantity q, BigDecimal limit, boolean atLimit, String basis) {
        int cmp = q.value().compareTo(limit);
        boolean above = atLimit ? cmp >= 0 : cmp > 0;
        String comparator = q.comparator() == null ? "" : q.comparator();
        Qualitative result = switch (comparator) {
            case "<" -> cmp <= 0 ? Qualitative.NEGATIVE : Qualitative.EQUIVOCAL;
            case "<=" -> (atLimit ? cmp < 0 : cmp <= 0) ? Qualitative.NEGATIVE : Qualitative.EQUIVOCAL;
            case ">" -> cmp >= 0 ? Qualitative.POSITIVE : Qualitative.EQUIVOCAL;
            case ">=" -> above ? Qualitative.POSITIVE : Qualitative.EQUIVOCAL;
            default -> above ? Qualitative.POSITIVE : Qualitative.NEGATIVE;
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
