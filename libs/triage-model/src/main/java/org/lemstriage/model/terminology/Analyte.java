package org.lemstriage.model.terminology;

import java.util.Arrays;
import java.util.Optional;

/**
 * The analytes this project tracks: its canonical concepts (code system {@link #SYSTEM}). Lab codes map onto them
 * through a ConceptMap ({@link AnalyteMap}). The canonical unit is where every quantitative value is normalised to
 * before any comparison (0.02 nmol/L = 20 pmol/L).
 */
public enum Analyte {
    /** P/Q-type voltage-gated calcium channel antibody, serum, radioimmunoassay: the LEMS antibody. */
    VGCC_PQ("vgcc-pq", "P/Q-type VGCC antibody", "nmol/L"),
    /** N-type VGCC antibody: supportive evidence only. */
    VGCC_N("vgcc-n", "N-type VGCC antibody", "nmol/L"),
    /** SOX1 antibody (immunoblot, qualitative): points at small-cell lung cancer. */
    SOX1("sox1", "SOX1 antibody", null),
    /** Anti-glial nuclear antibody type 1, reported as a titer; AGNA-1 is SOX1. */
    AGNA1("agna1", "AGNA-1 (SOX1) antibody", null),
    /**
     * A recorded diagnosis of Lambert-Eaton myasthenic syndrome (a Condition, not a lab result). About 15 % of LEMS
     * patients have no P/Q-type antibody (seed texts): they are screened as a P/Q positive is.
     */
    LEMS_DIAGNOSIS("lems-diagnosis", "Lambert-Eaton myasthenic syndrome diagnosis", null);

    /** Canonical URL of the project's analyte code system (a project identifier, not a resolvable page). */
    public static final String SYSTEM = "https://lemstriage.org/fhir/CodeSystem/analyte";

    private final String code;
    private final String display;
    private final String canonicalUnit;

    Analyte(String code, String display, String canonicalUnit) {
        this.code = code;
        this.display = display;
        this.canonicalUnit = canonicalUnit;
    }

    public String code() {
        return code;
    }

    public String display() {
        return display;
    }

    /** UCUM unit quantitative results are normalised to, or null when the analyte has no comparable quantity. */
    public String canonicalUnit() {
        return canonicalUnit;
    }

    /** Whether it is recorded as a Condition (a diagnosis) rather than an Observation (a lab result). */
    public boolean diagnosis() {
        return this == LEMS_DIAGNOSIS;
    }

    public static Optional<Analyte> ofCode(String code) {
        return Arrays.stream(values()).filter(a -> a.code.equals(code)).findFirst();
    }
}
