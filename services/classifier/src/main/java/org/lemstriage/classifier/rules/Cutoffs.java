package org.lemstriage.classifier.rules;

import org.lemstriage.model.terminology.Analyte;

import java.math.BigDecimal;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Limits for results that carry neither their own interpretation nor their own reference range
 * (docs/clinical-ruleset-3.md, "Reading a result"): first the lab's own limit for its own code, then the default for
 * the analyte. Values are in the analyte's canonical unit (nmol/L), or the end dilution for a titer.
 */
public final class Cutoffs {
    /**
     * VGCC P/Q: 0.02 nmol/L, Mayo Clinic Laboratories' upper limit of normal ("<=0.02 nmol/L", test CCPQ), the most
     * sensitive of the reference labs (ARUP negative <=24.5 pmol/L = 0.0245 nmol/L; Labcorp reference 0-30 pmol/L).
     * VGCC N: 0.03 nmol/L, Mayo Clinic Laboratories' upper limit of normal for the N-type antibody (test CCN).
     * SOX1 and AGNA-1 have no default: immunoblot results need the lab's own interpretation, titers the lab's cutoff.
     */
    private static final Map<Analyte, BigDecimal> DEFAULTS = Map.of(
            Analyte.VGCC_PQ, new BigDecimal("0.02"),
            Analyte.VGCC_N, new BigDecimal("0.03"));

    /** Labs' own limits for their own codes ({@code system|code}): a result of that code is read against them. */
    private static final Map<String, Limit> DEFAULT_LAB_LIMITS = Map.of(
            // ARUP 0092628: negative <=24.5 pmol/L, indeterminate 24.6-45.6, positive >=45.7 (ARUP test directory)
            "https://ltd.aruplab.com/Tests/Pub|0092628", new Limit("ARUP", new BigDecimal("0.0456"), false, "nmol/L"),
            // Labcorp 140640: reference interval 0-30 pmol/L (Labcorp test menu). The generic 0.02 nmol/L would call
            // 25 pmol/L positive, inside Labcorp's own normal range
            "https://www.labcorp.com/tests|140640", new Limit("Labcorp", new BigDecimal("0.030"), false, "nmol/L"),
            // Mayo AGNTS (AGNA-1 titer, serum): Mayo's serum indirect-immunofluorescence antibodies report "<1:240"
            // as the reference value (Mayo test catalog; e.g. its autoimmune panels' reference column), so an end
            // titer of 1:240 or more is positive
            "https://www.mayocliniclabs.com/test-catalog|AGNTS", new Limit("Mayo", new BigDecimal("240"), true, "titer 1:"),
            // An AGNA-1 titer under LOINC 53709-2 names no lab; without its own range or interpretation it is read
            // against the same 1:240 reference, the one published AGNA-1 titer reference we have (Mayo)
            "http://loinc.org|53709-2", new Limit("the AGNA-1 titer reference (Mayo)", new BigDecimal("240"), true, "titer 1:"));

    /**
     * Labs' own indeterminate bands, by lab code, in nmol/L (inclusive). ARUP 0092628: negative <=24.5 pmol/L,
     * indeterminate 24.6-45.6 pmol/L, positive >=45.7 pmol/L (ARUP Laboratories test directory).
     */
    private static final Map<String, Band> DEFAULT_BANDS = Map.of(
            "https://ltd.aruplab.com/Tests/Pub|0092628", new Band(new BigDecimal("0.0246"), new BigDecimal("0.0456"), "ARUP"));

    private final Map<Analyte, BigDecimal> cutoffs;
    private final Map<String, Band> bands;
    private final Map<String, Limit> labLimits;

    public Cutoffs(Map<Analyte, BigDecimal> overrides, Map<String, Band> extraBands) {
        var merged = new EnumMap<Analyte, BigDecimal>(Analyte.class);
        merged.putAll(DEFAULTS);
        merged.putAll(overrides);
        this.cutoffs = Map.copyOf(merged);
        var allBands = new HashMap<>(DEFAULT_BANDS);
        allBands.putAll(extraBands);
        this.bands = Map.copyOf(allBands);
        this.labLimits = DEFAULT_LAB_LIMITS;
    }

    public static Cutoffs defaults() {
        return new Cutoffs(Map.of(), Map.of());
    }

    /** A lab's indeterminate band for its own code ({@code system|code}), if known. */
    public Optional<Band> band(String labCode) {
        return Optional.ofNullable(bands.get(labCode));
    }

    /** A lab's own positive limit for its own code, if known. */
    public Optional<Limit> labLimit(String labCode) {
        return Optional.ofNullable(labLimits.get(labCode));
    }

    public Optional<BigDecimal> of(Analyte analyte) {
        return Optional.ofNullable(cutoffs.get(analyte));
    }

    /** An inclusive range of equivocal values, in the analyte's canonical unit, and whose band it is. */
    public record Band(BigDecimal low, BigDecimal high, String lab) {
        boolean contains(BigDecimal value) {
            return value.compareTo(low) >= 0 && value.compareTo(high) <= 0;
        }
    }

    /**
     * A lab's limit: positive above {@code value}, or at and above it when {@code positiveAtLimit} (titers, whose
     * reference is "below 1:N").
     */
    public record Limit(String lab, BigDecimal value, boolean positiveAtLimit, String unit) {
    }
}
