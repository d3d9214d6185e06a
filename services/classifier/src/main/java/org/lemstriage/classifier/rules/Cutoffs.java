package org.lemstriage.classifier.rules;

import org.lemstriage.model.terminology.Analyte;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Optional;

/**
 * Default positivity cutoffs, used only when a result carries neither its own interpretation nor its own
 * reference range (DESIGN.md, "Clinical logic"). Values are in the analyte's canonical unit (nmol/L); a result is
 * positive when strictly above its cutoff.
 */
public final class Cutoffs {
    /**
     * VGCC P/Q: 0.02 nmol/L, Mayo Clinic Laboratories' upper limit of normal ("<=0.02 nmol/L", test CCPQ), the most
     * sensitive of the reference labs (ARUP negative <=24.5 pmol/L = 0.0245 nmol/L; Labcorp reference 0-30 pmol/L).
     * VGCC N: 0.03 nmol/L, Mayo Clinic Laboratories' upper limit of normal for the N-type antibody (test CCN).
     * SOX1 and AGNA-1 have no numeric default: immunoblot and titer results need the lab's own interpretation.
     */
    private static final Map<Analyte, BigDecimal> DEFAULTS = Map.of(
            Analyte.VGCC_PQ, new BigDecimal("0.02"),
            Analyte.VGCC_N, new BigDecimal("0.03"));

    /**
     * Labs' own indeterminate bands, by lab code, in nmol/L (inclusive). ARUP 0092628: negative <=24.5 pmol/L,
     * indeterminate 24.6-45.6 pmol/L, positive >=45.7 pmol/L (ARUP Laboratories test directory).
     */
    private static final Map<String, Band> DEFAULT_BANDS = Map.of(
            "https://ltd.aruplab.com/Tests/Pub|0092628", new Band(new BigDecimal("0.0246"), new BigDecimal("0.0456"), "ARUP"));

    private final Map<Analyte, BigDecimal> cutoffs;
    private final Map<String, Band> bands;

    public Cutoffs(Map<Analyte, BigDecimal> overrides, Map<String, Band> extraBands) {
        var merged = new java.util.EnumMap<Analyte, BigDecimal>(Analyte.class);
        merged.putAll(DEFAULTS);
        merged.putAll(overrides);
        this.cutoffs = Map.copyOf(merged);
        var allBands = new java.util.HashMap<>(DEFAULT_BANDS);
        allBands.putAll(extraBands);
        this.bands = Map.copyOf(allBands);
    }

    public static Cutoffs defaults() {
        return new Cutoffs(Map.of(), Map.of());
    }

    /** A lab's indeterminate band for its own code ({@code system|code}), if known. */
    public Optional<Band> band(String labCode) {
        return Optional.ofNullable(bands.get(labCode));
    }

    /** An inclusive range of equivocal values, in the analyte's canonical unit, and whose band it is. */
    public record Band(BigDecimal low, BigDecimal high, String lab) {
        boolean contains(BigDecimal value) {
            return value.compareTo(low) >= 0 && value.compareTo(high) <= 0;
        }
    }

    public Optional<BigDecimal> of(Analyte analyte) {
        return Optional.ofNullable(cutoffs.get(analyte));
    }
}
