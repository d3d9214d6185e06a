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

    private final Map<Analyte, BigDecimal> cutoffs;

    public Cutoffs(Map<Analyte, BigDecimal> overrides) {
        var merged = new java.util.EnumMap<Analyte, BigDecimal>(Analyte.class);
        merged.putAll(DEFAULTS);
        merged.putAll(overrides);
        this.cutoffs = Map.copyOf(merged);
    }

    public static Cutoffs defaults() {
        return new Cutoffs(Map.of());
    }

    public Optional<BigDecimal> of(Analyte analyte) {
        return Optional.ofNullable(cutoffs.get(analyte));
    }
}
